import type { SpecSettingField, SpecSettings } from "../spec.js";
import type { AspectRatio, ImageFormat, ModelFamily, Resolution } from "./models.js";

/** What one provider accepts for one model family. */
export interface ModelCapability {
  /** The provider's model id (or endpoint) for plain generation. */
  id: string;
  /** The id used when the asset has reference images; absent when the provider cannot edit with this model. */
  editId?: string;
  resolutions: readonly Resolution[];
  ratios: readonly AspectRatio[];
  formats: readonly ImageFormat[];
  /** Whether a seed is passed through. */
  seed: boolean;
  /** Whether web-search grounding can be switched on. */
  webSearch: boolean;
  /** Most reference images one request may carry. */
  maxReferences: number;
}

/** A provider's capability table: the families it serves and what each accepts. */
export type CapabilityTable = Partial<Record<ModelFamily, ModelCapability>>;

/** The settings of an asset that a capability table constrains. */
export type CapabilityQuery = Omit<SpecSettings, "modelId" | "webSearch"> & { webSearch?: boolean; references: number };

/** A field the provider cannot honour, with a message that lists what it takes. */
export interface CapabilityProblem {
  field: Exclude<SpecSettingField, "modelId"> | "references";
  message: string;
}

/** Checks an asset's settings against a provider's table; returns every problem found. */
export function checkCapabilities(provider: string, table: CapabilityTable, q: CapabilityQuery): CapabilityProblem[] {
  const cap = table[q.model];
  if (!cap) {
    const served = Object.keys(table).join(", ");
    return [{ field: "model", message: `${JSON.stringify(q.model)} is not served by ${provider} (allowed: ${served})` }];
  }
  const out: CapabilityProblem[] = [];
  const check = <T extends string>(field: CapabilityProblem["field"], value: T, allowedValues: readonly T[]) => {
    if (!allowedValues.includes(value)) {
      out.push({
        field,
        message: `${JSON.stringify(value)} is not available for ${q.model} on ${provider} (allowed: ${allowedValues.join(", ")})`,
      });
    }
  };
  check("resolution", q.resolution, cap.resolutions);
  check("aspectRatio", q.aspectRatio, cap.ratios);
  check("format", q.format, cap.formats);
  if (q.seed !== undefined && !cap.seed) {
    out.push({ field: "seed", message: `${q.model} on ${provider} does not take a seed; remove it or use a model that does` });
  }
  if (q.webSearch && !cap.webSearch) {
    out.push({ field: "webSearch", message: `${q.model} on ${provider} has no web search` });
  }
  if (q.references > 0 && !cap.editId) {
    out.push({ field: "references", message: `${q.model} on ${provider} cannot edit with reference images` });
  } else if (q.references > cap.maxReferences) {
    out.push({
      field: "references",
      message: `${q.references} reference images, but ${q.model} on ${provider} takes at most ${cap.maxReferences}`,
    });
  }
  return out;
}
