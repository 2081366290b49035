/** A value a variable may hold. */
export type Scalar = string | number | boolean;
/** A matrix value: a scalar, or a mapping whose fields templates read as `{{key.field}}`. */
export type MatrixValue = Scalar | Readonly<Record<string, Scalar>>;
/** Variables of one variant. */
export type Vars = Record<string, MatrixValue>;

/** A matrix as written: axes (key → values), plus GitHub Actions' `include` and `exclude`. */
export interface MatrixInput {
  include?: Vars[];
  exclude?: Vars[];
  [axis: string]: MatrixValue[] | Vars[] | undefined;
}

/** The axes of a matrix, without include/exclude. */
export function axesOf(matrix: MatrixInput | undefined): Record<string, MatrixValue[]> {
  const axes: Record<string, MatrixValue[]> = {};
  for (const [k, v] of Object.entries(matrix ?? {})) if (k !== "include" && k !== "exclude" && v) axes[k] = v as MatrixValue[];
  return axes;
}

/** One variant's variables and, for a combination that only an `include` entry made, its index. */
export interface Variant {
  vars: Vars;
  /** Index of the `include` entry this variant comes from alone (it matched no combination). */
  include?: number;
}

/**
 * Most variants a matrix can make, from its sizes alone (before expanding anything): the
 * product of the axes plus one per `include` entry. Excludes only lower the real count.
 */
export function variantBound(matrix: MatrixInput | undefined): number {
  if (!matrix) return 1;
  const axes = Object.values(axesOf(matrix));
  let n = 1;
  for (const a of axes) n *= a.length;
  return n + (matrix.include?.length ?? 0);
}

/** True when a matrix value matches a pattern of include/exclude: equal, or a mapping with the pattern's fields. */
export function matches(pattern: MatrixValue, value: MatrixValue | undefined): boolean {
  if (typeof pattern !== "object") return pattern === value;
  if (typeof value !== "object") return false;
  for (const f in pattern) if (pattern[f] !== value[f]) return false;
  return true;
}

/**
 * Every variant of a matrix, with GitHub Actions semantics: the cartesian product of the axes
 * in key order; minus the combinations an `exclude` entry matches (a partial match is
 * enough); then each `include` entry adds its values to every combination whose original
 * axis values it does not contradict (values added by earlier includes may be overwritten),
 * and becomes a variant of its own when it fits none. Without axes, each include is a variant.
 * `base` (the asset's and manifest's vars) fills what a variant does not set.
 */
export function* variants(matrix: MatrixInput | undefined, base: Vars): Generator<Variant> {
  if (!matrix) {
    yield { vars: base };
    return;
  }
  const axes = axesOf(matrix);
  const keys = Object.keys(axes);
  const include = matrix.include ?? [];
  const exclude = matrix.exclude ?? [];
  if (keys.length === 0 && include.length === 0) {
    yield { vars: base }; // `matrix: {}`: the asset itself
    return;
  }
  const fits = (entry: Vars, combo: Vars) => keys.every((k) => !(k in entry) || matches(entry[k], combo[k]));
  const used = new Array<boolean>(include.length).fill(false);
  if (keys.length > 0) {
    const idx = new Array<number>(keys.length).fill(0);
    for (;;) {
      const combo: Vars = {};
      for (let i = 0; i < keys.length; i++) combo[keys[i]] = axes[keys[i]][idx[i]];
      if (!exclude.some((e) => Object.keys(e).every((k) => matches(e[k], combo[k])))) {
        for (let j = 0; j < include.length; j++) {
          if (!fits(include[j], combo)) continue;
          used[j] = true;
          for (const k in include[j]) if (!(k in axes)) combo[k] = include[j][k];
        }
        yield { vars: withBase(combo, base) };
      }
      let i = keys.length - 1;
      while (i >= 0 && ++idx[i] === axes[keys[i]].length) idx[i--] = 0;
      if (i < 0) break;
    }
  }
  for (let j = 0; j < include.length; j++) if (!used[j]) yield { vars: withBase({ ...include[j] }, base), include: j };
}

/** Fills a variant's own vars object with the shared ones it does not override (no copy of both). */
function withBase(combo: Vars, base: Vars): Vars {
  for (const k in base) if (!(k in combo)) combo[k] = base[k];
  return combo;
}
