import type { AspectRatio, ImageFormat, ModelFamily, Resolution } from "./catalog/models.js";
import type { Config } from "./config/schema.js";
import type { ProviderName } from "./catalog/provider-names.js";
import type { DerivedSpec } from "./derive/resolve.js";

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
export interface AssetSpec {
  provider: ProviderName;
  model: ModelFamily;
  modelId: string;
  prompt: string;
  resolution: Resolution;
  aspectRatio: AspectRatio;
  format: ImageFormat;
  seed?: number;
  webSearch: boolean;
  references: ReferenceSpec[];
}

/** Where an asset was declared. */
export interface AssetSource {
  /** Manifest path, relative to the project root. */
  file: string;
  line: number;
  col: number;
  /** Field path of the declaration, e.g. `assets[2]`. */
  path: string;
}

/** One concrete asset after cascading settings and expanding its matrix. */
export interface ResolvedAsset {
  name: string;
  /** Output file, relative to the project root (posix separators). */
  output: string;
  spec: AssetSpec;
  hash: string;
  source: AssetSource;
  /** Where each entry of `references:` was declared (same order as spec.references). */
  referenceSources?: AssetSource[];
  /** Files derived locally from the generated image (`derive:`); not part of the spec hash. */
  derived?: DerivedSpec[];
  /** Alt text: rendered from the `alt:` template, or `{ auto: true }` to have a text model describe the image. */
  alt?: { text: string } | { auto: true };
}

/** A loaded, validated project: the input of plan() and build(). */
export interface Project {
  /** Absolute project root (the config file's folder). */
  root: string;
  /** Absolute path of the config file. */
  configFile: string;
  config: Config;
  /** Manifest files, relative to root. */
  manifests: string[];
  /** Assets in declaration order. */
  assets: ResolvedAsset[];
  /** Absolute lockfile path. */
  lockfile: string;
  /** Absolute output folder. */
  outDir: string;
  /** Absolute paths of the local reference images the manifests use (watch mode watches them). */
  referenceFiles?: string[];
  /** Asset → asset edges of `references: [{ asset }]`, by name (computed by loadProject). */
  dependencies?: { upstream: Map<string, string[]>; downstream: Map<string, string[]> };
}
