import type { FieldPath } from "../errors/yaml-source.js";
import { headOf, type CompiledTemplate } from "./template.js";

/** One templated field of an asset: its name in messages, where it is written, the compiled text. */
export interface TemplatedField {
  field: string;
  path: FieldPath;
  t: CompiledTemplate;
  /** How the field is named in a message, e.g. `template "hero"` (default: the field). */
  label?: string;
}

/** A variable problem: where, what, and whether to point at the key rather than the value. */
export interface VariableProblem {
  path: FieldPath;
  message: string;
  key?: boolean;
}

/**
 * Checks an asset's templates once (not per variant): every `{{var}}` must be set in vars or
 * the matrix, and every matrix key must be used somewhere.
 */
export function checkVariables(
  fields: TemplatedField[],
  known: ReadonlySet<string>,
  matrixKeys: readonly { key: string; path: FieldPath }[],
): VariableProblem[] {
  const problems: VariableProblem[] = [];
  const used = new Set<string>();
  for (const { field, path, t, label } of fields) {
    for (const v of t.vars) {
      used.add(headOf(v));
      if (!known.has(headOf(v))) {
        const set = known.size ? ` (set: ${[...known].join(", ")})` : "";
        problems.push({ path, message: `${label ?? field} uses {{${v}}}, which is not set in vars or matrix${set}` });
      }
    }
  }
  for (const { key, path } of matrixKeys) {
    if (!used.has(key))
      problems.push({
        path,
        message: `matrix key ${JSON.stringify(key)} is not used in the name, prompt or any field`,
        key: true,
      });
  }
  return problems;
}
