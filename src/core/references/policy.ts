import { REFERENCE_TYPES, type ReferenceMime } from "./sniff.js";

/** How a provider takes reference images, and what it accepts. */
export interface ReferencePolicy {
  /** `url`: only URLs it can fetch (APIDot, fal, Revid); `inline`: the bytes in the request (Gemini). */
  input: "url" | "inline";
  /** Largest reference image, in bytes. */
  maxBytes: number;
  types: readonly ReferenceMime[];
}

/** Providers that do not say otherwise take URLs of jpeg/png/webp images up to 30 MB. */
export const DEFAULT_REFERENCE_POLICY: ReferencePolicy = { input: "url", maxBytes: 30 * 1024 * 1024, types: REFERENCE_TYPES };

export function referencePolicy(def: { references?: Partial<ReferencePolicy> }): ReferencePolicy {
  return { ...DEFAULT_REFERENCE_POLICY, ...def.references };
}

export function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
