import { GOOGLE_MODEL_IDS, MODEL_ALIASES, MODEL_FAMILIES, RETIRED_MODEL_IDS, type ModelFamily } from "../catalog/models.js";

/** Maps a model name as written (family name or Google id) to its family, or explains why not. */
export function normalizeModel(name: string): { family: ModelFamily } | { error: string } {
  if ((MODEL_FAMILIES as readonly string[]).includes(name)) return { family: name as ModelFamily };
  const alias = MODEL_ALIASES[name];
  if (alias) return { family: alias };
  const retired = RETIRED_MODEL_IDS[name];
  if (retired) {
    return { error: `${JSON.stringify(name)} is retired; use ${retired.family} (Google id ${retired.replacement})` };
  }
  return {
    error: `${JSON.stringify(name)} is not a model (allowed: ${MODEL_FAMILIES.join(", ")}, or ${Object.values(GOOGLE_MODEL_IDS).join(", ")})`,
  };
}
