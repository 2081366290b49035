import { allowed } from "../errors/user-error.js";
import type { FieldPath } from "../errors/yaml-source.js";
import { axesOf, type MatrixInput, type MatrixValue } from "./matrix.js";
import { headOf } from "./template.js";
import type { TemplatedField, VariableProblem } from "./variables.js";

const VAR_NAME = /^[A-Za-z_][\w-]*$/;

/**
 * Checks a matrix once per asset, before any variant: axis names, `exclude` keys that are
 * axes, and `{{key.field}}` references that every value of the key can answer (and no
 * `{{key}}` of a mapping value). Problems point at the value or the template that is wrong.
 */
export function checkMatrix(matrix: MatrixInput | undefined, fields: TemplatedField[], matrixPath: FieldPath): VariableProblem[] {
  if (!matrix) return [];
  const problems: VariableProblem[] = [];
  const axes = axesOf(matrix);
  for (const k of Object.keys(axes)) {
    if (!VAR_NAME.test(k)) problems.push({ path: [...matrixPath, k], message: "variable names use letters, digits, _ and -", key: true });
  }
  (matrix.exclude ?? []).forEach((e, j) => {
    for (const k of Object.keys(e)) {
      if (!(k in axes))
        problems.push({
          path: [...matrixPath, "exclude", j, k],
          message: `"${k}" is not a matrix key ${allowed(Object.keys(axes))}`,
          key: true,
        });
    }
  });
  // Every value each key takes, with where it is written.
  const values = new Map<string, { value: MatrixValue; path: FieldPath }[]>();
  const add = (k: string, value: MatrixValue, path: FieldPath) => {
    const list = values.get(k);
    if (list) list.push({ value, path });
    else values.set(k, [{ value, path }]);
  };
  for (const [k, list] of Object.entries(axes)) {
    for (let i = 0; i < list.length; i++) add(k, list[i], [...matrixPath, k, i]);
  }
  (matrix.include ?? []).forEach((e, j) => {
    for (const [k, v] of Object.entries(e)) add(k, v, [...matrixPath, "include", j, k]);
  });
  const seen = new Set<string>();
  for (const f of fields) {
    for (const ref of f.t.vars) {
      const key = headOf(ref);
      const list = values.get(key);
      if (!list || seen.has(`${f.field}\0${ref}`)) continue;
      seen.add(`${f.field}\0${ref}`);
      const label = f.label ?? f.field;
      const fieldName = ref.slice(key.length + 1);
      const mappings = list.filter((x) => typeof x.value === "object");
      if (!fieldName) {
        if (mappings.length) {
          const names = Object.keys(mappings[0].value as object).map((n) => `{{${key}.${n}}}`);
          problems.push({
            path: f.path,
            message: `${label} uses {{${key}}}, but its values are mappings: use a field, e.g. ${names.join(", ")}`,
          });
        }
        continue;
      }
      const having = list.filter((x) => typeof x.value === "object" && fieldName in x.value);
      if (having.length === 0) {
        const known = [...new Set(mappings.flatMap((x) => Object.keys(x.value as object)))];
        const fieldsSaid = known.length ? ` (fields: ${known.join(", ")})` : ` (${key} holds plain values: use {{${key}}})`;
        problems.push({
          path: f.path,
          message: `${label} uses {{${ref}}}, but no value of ${key} has a field "${fieldName}"${fieldsSaid}`,
        });
        continue;
      }
      for (const x of list) {
        if (typeof x.value !== "object" || !(fieldName in x.value))
          problems.push({ path: x.path, message: `this value of ${key} has no field "${fieldName}", which ${label} uses as {{${ref}}}` });
      }
    }
  }
  return problems;
}
