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

/**
 * A run as the cache file holds it: the field paths, the count, and per path `[value]` when the
 * whole run has it, `null` when each asset has its own (those come row by row: RunRows).
 */
export interface RunHead {
  paths: string[][];
  n: number;
  columns: Array<[unknown] | null>;
}

/** The varying values of some consecutive assets of a run, asset after asset, in column order. */
export type RunRows = unknown[];

/** The run's head (what every asset of it shares). */
export function headOf(run: PackedRun): RunHead {
  return { paths: run.paths, n: run.n, columns: run.columns.map((c) => (Array.isArray(c) ? c : null)) };
}

/** The varying values of assets [from, to) of the run, as one RunRows. */
export function rowsOf(run: PackedRun, from: number, to: number): RunRows {
  const each = run.columns.flatMap((c) => (Array.isArray(c) ? [] : [c.each]));
  const out: unknown[] = [];
  for (let i = from; i < to; i++) for (const col of each) out.push(col[i]);
  return out;
}

/** The assets back, as fresh objects (what unpackRun gives). */
export function unpackAssets(runs: readonly PackedRun[]): ResolvedAsset[] {
  const out: ResolvedAsset[] = [];
  for (const run of runs) {
    const rows = [rowsOf(run, 0, run.n)];
    unpackRun(headOf(run), () => rows.pop(), out);
  }
  return out;
}

/**
 * Appends the run's assets to `out`, taking their varying values from `next()` (RunRows of one
 * or more assets each, until the run's count is reached), so the whole run never has to be
 * held as values and objects at once. Throws on rows that do not fit the head.
 *
 * Each asset is a fresh object but for its sub-objects whose every field is a string, number,
 * boolean or null the whole run shares (where it was declared, its gates): one object for the
 * run, as the expansion itself shares them. Arrays and other objects are copied per asset.
 */
export function unpackRun(head: RunHead, next: () => RunRows | undefined, out: ResolvedAsset[]): void {
  const width = head.columns.filter((c) => c === null).length;
  const make = assetMaker(head);
  let left = head.n;
  if (width === 0) {
    // Assets alike in every field, the name too, are a project error (checkUnique): such a
    // run is not taken (nor is a count no row line bounds); the expansion reports the error.
    if (left > 1) throw new Error("expansion cache: a run of identical assets");
    if (left === 1) out.push(make([], 0));
    return;
  }
  while (left > 0) {
    const rows = next();
    if (!Array.isArray(rows) || rows.length === 0 || rows.length % width !== 0 || rows.length / width > left)
      throw new Error("expansion cache: rows do not match their run");
    for (let o = 0; o < rows.length; o += width) out.push(make(rows, o));
    left -= rows.length / width;
  }
}

/** Field tree of a run: each key to its sub-tree, or to its column's index for a leaf. */
type Tree = Map<string, Tree | number>;

/**
 * A function making one asset of the run from its varying values (`v[o]`, `v[o + 1]`, …): an
 * object literal compiled once per run, so every asset gets its exact shape at once (no
 * per-field growth; about 30% less memory per asset and three times faster than setting the
 * fields one by one). Only property names from the head reach the code, as JSON string
 * literals (`__proto__` as a computed name, which makes it an own field as JSON.parse does);
 * every value is passed in. Where code generation is disallowed this throws, and the cache
 * read is skipped like any unreadable cache.
 */
function assetMaker(head: RunHead): (v: RunRows, o: number) => ResolvedAsset {
  const tree = treeOf(head.paths);
  const slot: number[] = [];
  let k = 0;
  for (const c of head.columns) slot.push(c === null ? k++ : -1);
  const consts: unknown[] = [];
  const shared: string[] = [];
  const constant = (t: Tree | number): boolean => {
    if (typeof t !== "number") return [...t.values()].every(constant);
    const c = head.columns[t];
    return c !== null && (c[0] === null || typeof c[0] !== "object");
  };
  const literal = (t: Tree, root: boolean): string => {
    const fields = [...t].map(([key, sub]) => `${key === "__proto__" ? '["__proto__"]' : JSON.stringify(key)}: ${expr(sub)}`);
    const code = `{${fields.join(", ")}}`;
    if (root || t.size === 0 || !constant(t)) return code;
    shared.push(`const s${shared.length} = ${code};`);
    return `s${shared.length - 1}`;
  };
  const expr = (t: Tree | number): string => {
    if (typeof t !== "number") return literal(t, false);
    const c = head.columns[t];
    if (c === null) return `v[o + ${slot[t]}]`;
    const x = c[0];
    consts.push(x);
    const ref = `c[${consts.length - 1}]`;
    if (x === null || typeof x !== "object") return ref;
    if (Array.isArray(x) && x.length === 0) return "[]";
    return `clone(${ref})`;
  };
  const body = literal(tree, true);
  const factory = new Function("c", "clone", `"use strict"; ${shared.join(" ")} return (v, o) => (${body});`);
  return factory(consts, structuredClone) as (v: RunRows, o: number) => ResolvedAsset;
}

/** The paths as a tree; throws when a path is not a list of names or is both a field and a parent of fields. */
function treeOf(paths: string[][]): Tree {
  const root: Tree = new Map();
  paths.forEach((p, i) => {
    if (!Array.isArray(p) || p.length === 0 || !p.every((x) => typeof x === "string")) throw new Error("expansion cache: bad field path");
    let t = root;
    for (let d = 0; d < p.length - 1; d++) {
      let sub = t.get(p[d]);
      if (sub === undefined) t.set(p[d], (sub = new Map()));
      if (typeof sub === "number") throw new Error("expansion cache: a field is also a parent");
      t = sub;
    }
    if (t.has(p[p.length - 1])) throw new Error("expansion cache: a field twice");
    t.set(p[p.length - 1], i);
  });
  return root;
}

/** Whether `data` is a list of run heads (a cache file from elsewhere is ignored, not trusted; the rows are checked as they are read). */
export function isRunHeads(data: unknown): data is RunHead[] {
  return (
    Array.isArray(data) &&
    data.every(
      (r: RunHead) =>
        r &&
        Array.isArray(r.paths) &&
        Number.isInteger(r.n) &&
        r.n >= 0 &&
        Array.isArray(r.columns) &&
        r.columns.length === r.paths.length &&
        r.columns.every((c) => c === null || (Array.isArray(c) && c.length === 1)),
    )
  );
}
