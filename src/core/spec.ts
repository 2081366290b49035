import type { AspectRatio, ImageFormat, ModelFamily, Resolution } from "./catalog/models.js";
import type { ProviderName } from "./catalog/provider-names.js";

/**
 * The spec fields, declared once: what a provider is asked for besides the prompt and the
 * references. Manifests, capability checks, the provider-neutral request, the lockfile and
 * `plan`'s "which fields changed" all take their list from here.
 */
export interface SpecSettings {
  model: ModelFamily;
  /** The provider's model id (its edit variant when the asset has references). */
  modelId: string;
  resolution: Resolution;
  aspectRatio: AspectRatio;
  format: ImageFormat;
  seed?: number;
  webSearch: boolean;
}

/** The names of SpecSettings, in hash order. */
export const SPEC_SETTING_FIELDS = ["model", "modelId", "resolution", "aspectRatio", "format", "seed", "webSearch"] as const;
export type SpecSettingField = (typeof SPEC_SETTING_FIELDS)[number];

/** The settings a manifest writes (modelId is derived from model and the provider), plus normalize. */
export const CASCADED_FIELDS = ["model", "resolution", "aspectRatio", "format", "seed", "webSearch", "normalize"] as const;

/** Settings a `{{var}}` may fill (per variant). */
export const TEMPLATED_FIELDS = ["model", "resolution", "aspectRatio", "format", "seed"] as const;
export type TemplatedField = (typeof TEMPLATED_FIELDS)[number];

/** Fields a lock entry keeps under `spec` and `plan` compares one by one (model via modelId). */
export const COMPARED_FIELDS = ["prompt", "resolution", "aspectRatio", "format", "seed", "webSearch"] as const;

/** A reference image of an asset, as far as the spec is concerned. */
export interface ReferenceSpec {
  kind: "file" | "url" | "asset";
  /** File path (project-relative), URL, or upstream asset name. */
  ref: string;
  /** Content hash, when the bytes are known (files, upstream outputs). */
  sha256?: string;
  /** URL as sent to the provider (https references). */
  url?: string;
  /** How a local file is prepared before it is sent (part of the hash). */
  normalize?: { maxSide?: number; stripMetadata?: boolean };
}

/** Everything that decides what image an asset gets. Plain data; hashed by specHash. */
export interface AssetSpec extends SpecSettings {
  provider: ProviderName;
  prompt: string;
  references: ReferenceSpec[];
}
