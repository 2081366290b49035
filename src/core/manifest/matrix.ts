/** A value a variable may hold. */
export type Scalar = string | number | boolean;
/** Variables of one variant. */
export type Vars = Record<string, Scalar>;

/** Fills a variant's own vars object with the shared ones it does not override (no copy of both). */
export function withBase(combo: Vars, base: Vars): Vars {
  for (const k in base) if (!(k in combo)) combo[k] = base[k];
  return combo;
}

/** The cartesian product of a matrix, in key order; one `undefined` when there is no matrix. */
export function* combinations(matrix: Record<string, Scalar[]>): Generator<Vars | undefined> {
  const keys = Object.keys(matrix);
  if (keys.length === 0) {
    yield undefined;
    return;
  }
  const idx = new Array(keys.length).fill(0);
  for (;;) {
    const combo: Vars = {};
    for (let i = 0; i < keys.length; i++) combo[keys[i]] = matrix[keys[i]][idx[i]];
    yield combo;
    let i = keys.length - 1;
    while (i >= 0 && ++idx[i] === matrix[keys[i]].length) idx[i--] = 0;
    if (i < 0) return;
  }
}
