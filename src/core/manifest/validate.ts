import { ASPECT_RATIOS, FORMATS, RESOLUTIONS, type AspectRatio, type ImageFormat, type Resolution } from "../catalog/models.js";
import { checkCapabilities, type CapabilityProblem } from "../catalog/capabilities.js";
import type { ProviderProfile } from "../catalog/provider-profile.js";
import type { SpecSettings } from "../spec.js";
import { normalizeModel } from "./settings.js";

/** A setting as written after its `{{vars}}` are filled: still unchecked. */
export interface RawSettings {
  model: unknown;
  resolution: unknown;
  aspectRatio: unknown;
  format: unknown;
  seed: unknown;
  webSearch: unknown;
}

/**
 * A field that is wrong, and why; the caller adds where and for which variant. With `value`,
 * the message reads `<value> <message>` (the variant goes after the value).
 */
export type SettingProblem = CapabilityProblem & { value?: string };

/**
 * Checks one variant's settings: the enums, the model name, the seed's range, then the
 * provider's capability table (only once the values themselves are valid). Pure.
 */
export function checkSettings(
  raw: RawSettings,
  provider: ProviderProfile,
  references: number,
): { settings: SpecSettings } | { problems: SettingProblem[] } {
  const problems: SettingProblem[] = [];
  const oneOf = <T extends string>(field: "resolution" | "aspectRatio" | "format", values: readonly T[]): T => {
    const v = raw[field] as T;
    if (!values.includes(v)) problems.push({ field, value: JSON.stringify(v), message: `is not one of ${values.join(", ")}` });
    return v;
  };
  const resolution = oneOf<Resolution>("resolution", RESOLUTIONS);
  const aspectRatio = oneOf<AspectRatio>("aspectRatio", ASPECT_RATIOS);
  const format = oneOf<ImageFormat>("format", FORMATS);
  const model = normalizeModel(String(raw.model));
  if ("error" in model) problems.push({ field: "model", message: model.error });
  let seed: number | undefined;
  if (raw.seed !== undefined) {
    seed = Number(raw.seed);
    if (!Number.isInteger(seed) || seed < 0 || seed > 2 ** 31 - 1)
      problems.push({ field: "seed", value: JSON.stringify(raw.seed), message: "is not a whole number from 0 to 2147483647" });
  }
  const webSearch = Boolean(raw.webSearch ?? false);
  if (problems.length || "error" in model) return { problems };
  const capProblems = checkCapabilities(provider.name, provider.capabilities, {
    model: model.family,
    resolution,
    aspectRatio,
    format,
    seed,
    webSearch,
    references,
  });
  if (capProblems.length) return { problems: capProblems };
  const cap = provider.capabilities[model.family]!;
  return {
    settings: { model: model.family, modelId: references > 0 ? cap.editId! : cap.id, resolution, aspectRatio, format, seed, webSearch },
  };
}
