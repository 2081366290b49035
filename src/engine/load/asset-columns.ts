import type { ResolvedAsset } from "../../core/project.js";

/**
 * Expanded assets packed for the load cache: runs of consecutive assets with the same fields,
 * each field stored once when every asset of the run has the same value (the provider, the
 * model, where it was declared) and as one array otherwise (the name, the prompt, the hash).
 * A matrix of 100,000 variants is a handful of arrays instead of 100,000 nested objects, so
 * the file is smaller and faster to parse.
 */
export interface PackedRun {
  /** Each leaf field's path, e.g. ["spec", "prompt"]; objects with no fields are leaves. */
  paths: string[][];
  n: number;
  /** Per path (same index): `[value]` when every asset of the run has it, else the values. */
  columns: Array<[unknown] | { each: unknown[] }>;
}

type Obj = Record<string, unknown>;
const isNode = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v) && Object.keys(v as object).length > 0;

function leaves(v: Obj, prefix: string[], out: Array<[string[], unknown]>): Array<[string[], unknown]> {
  for (const [k, x] of Object.entries(v)) {
    if (x === undefined) continue;
    if (isNode(x)) leaves(x, [...prefix, k], out);
    else out.push([[...prefix, k], x]);
  }
  return out;
}

/** Assets as runs of columns (order kept). */
export function packAssets(assets: readonly ResolvedAsset[]): PackedRun[] {
  const runs: PackedRun[] = [];
  let shape = "";
  let rows: unknown[][] = [];
  let paths: string[][] = [];
  const flush = () => {
    if (!rows.length) return;
    const columns = paths.map((_, i): PackedRun["columns"][number] => {
      const first = JSON.stringify(rows[0][i]);
      const same = rows.every((r) => r[i] === rows[0][i] || JSON.stringify(r[i]) === first);
      return same ? [rows[0][i]] : { each: rows.map((r) => r[i]) };
    });
    runs.push({ paths, n: rows.length, columns });
    rows = [];
  };
  for (const a of assets) {
    const fields = leaves(a as unknown as Obj, [], []);
    const s = JSON.stringify(fields.map(([p]) => p));
    if (s !== shape) {
      flush();
      shape = s;
      paths = fields.map(([p]) => p);
    }
    rows.push(fields.map(([, v]) => v));
  }
  flush();
  return runs;
}

/** The assets back, as fresh objects (nothing shared between two assets but strings and numbers). */
export function unpackAssets(runs: readonly PackedRun[]): ResolvedAsset[] {
  const out: ResolvedAsset[] = [];
  for (const run of runs) {
    for (let i = 0; i < run.n; i++) {
      const a: Obj = {};
      for (let c = 0; c < run.paths.length; c++) {
        const col = run.columns[c];
        const v = Array.isArray(col) ? col[0] : col.each[i];
        const p = run.paths[c];
        let o = a;
        for (let d = 0; d < p.length - 1; d++) o = (Object.hasOwn(o, p[d]) ? o[p[d]] : set(o, p[d], {})) as Obj;
        set(o, p[p.length - 1], v === null || typeof v !== "object" ? v : Array.isArray(v) && v.length === 0 ? [] : structuredClone(v));
      }
      out.push(a as unknown as ResolvedAsset);
    }
  }
  return out;
}

/** o[k] = v, also for a field named `__proto__` (a matrix value may be called anything). */
function set(o: Obj, k: string, v: unknown): unknown {
  if (k === "__proto__") Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  else o[k] = v;
  return v;
}

/** Whether `data` has the shape packAssets gives (a cache file from elsewhere is ignored, not trusted). */
export function isPacked(data: unknown): data is PackedRun[] {
  return (
    Array.isArray(data) &&
    data.every(
      (r: PackedRun) =>
        r &&
        Array.isArray(r.paths) &&
        Number.isInteger(r.n) &&
        Array.isArray(r.columns) &&
        r.columns.length === r.paths.length &&
        r.columns.every((c) => (Array.isArray(c) ? c.length === 1 : Array.isArray(c?.each) && c.each.length === r.n)),
    )
  );
}
