import type { ResolvedAsset } from "../../core/project.js";

/**
 * Expanded assets packed for the load cache: runs of consecutive assets with the same fields,
 * each field stored once when every asset of the run has the same value (the provider, the
 * model, where it was declared) and as one array otherwise (the name, the prompt, the hash).
 * A matrix of 100,000 variants is a handful of arrays instead of 100,000 nested objects, so
 * the file is smaller and faster to parse.
 */
export interface PackedRun {
  /** Each leaf field's path, e.g. ["spec", "prompt"]; objects with no field set are leaves. */
  paths: string[][];
  n: number;
  /**
   * Per path (same index): `[value]` when every asset of the run has it, else the values. (Text
   * is kept whole: split into a shared prefix and suffix, the file was half the size, but the
   * joined strings cost more memory and time than the parse they saved.)
   */
  columns: Array<[unknown] | { each: unknown[] }>;
}

type Obj = Record<string, unknown>;
/** A plain object with a field set: walked into. Arrays, and objects with no field set (`{}`), are leaves. */
const isNode = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v) && hasField(v as Obj);
function hasField(v: Obj): boolean {
  for (const k in v) if (v[k] !== undefined) return true;
  return false;
}

/** Each leaf field of `v` (depth first, in key order), as its path and its value. */
function leaves(v: Obj, prefix: string[], out: Array<[string[], unknown]>): Array<[string[], unknown]> {
  for (const k of Object.keys(v)) {
    const x = v[k];
    if (x === undefined) continue;
    if (isNode(x)) leaves(x, [...prefix, k], out);
    else out.push([[...prefix, k], x]);
  }
  return out;
}

/**
 * The same walk as leaves(), for every asset: the values, and the shape as one string (each
 * key written as `length:key/`, so no two shapes can read alike whatever the keys hold).
 */
function shapeAndValues(v: Obj, prefix: string, vals: unknown[]): string {
  let shape = "";
  for (const k of Object.keys(v)) {
    const x = v[k];
    if (x === undefined) continue;
    const key = `${prefix}${k.length}:${k}/`;
    if (isNode(x)) shape += shapeAndValues(x, key, vals);
    else {
      shape += `${key}|`;
      vals.push(x);
    }
  }
  return shape;
}

/** Assets as runs of columns (order kept). */
export function packAssets(assets: readonly ResolvedAsset[]): PackedRun[] {
  const runs: PackedRun[] = [];
  let shape: string | undefined;
  let rows: unknown[][] = [];
  let paths: string[][] = [];
  const flush = () => {
    if (!rows.length) return;
    const columns = paths.map((_, i): PackedRun["columns"][number] => {
      const v0 = rows[0][i];
      const first = v0 !== null && typeof v0 === "object" ? JSON.stringify(v0) : undefined;
      const same = rows.every((r) => r[i] === v0 || (first !== undefined && JSON.stringify(r[i]) === first));
      return same ? [v0] : { each: rows.map((r) => r[i]) };
    });
    runs.push({ paths, n: rows.length, columns });
    rows = [];
  };
  for (const a of assets) {
    const vals: unknown[] = [];
    const s = shapeAndValues(a as unknown as Obj, "", vals);
    if (s !== shape) {
      flush();
      shape = s;
      paths = leaves(a as unknown as Obj, [], []).map(([p]) => p);
    }
    rows.push(vals);
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

/** o[k] = v, also for a field named `__proto__` (a matrix variable may be called anything). */
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
