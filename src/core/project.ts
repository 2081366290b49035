import type { Config } from "./config/schema.js";
import type { AssetSpec } from "./spec.js";
import type { DerivedSpec } from "./derive/resolve.js";
import type { ResolvedGates } from "./gates/check.js";

export type { AssetSpec, ReferenceSpec } from "./spec.js";

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
  /** Quality gates of the generated image, when anything configures them (else DEFAULT_GATES). */
  gates?: ResolvedGates;
  /** This variant's matrix values (absent for an asset without a matrix). */
  matrix?: Record<string, string | number | boolean>;
  /**
   * `candidates: N` (N > 1): the names of its takes, and the take (1-based) whose spec, hash and
   * image this asset has (1 until `nanobanana pick`). Its output is a copy of that take's, never paid.
   */
  candidates?: { takes: string[]; picked: number };
  /** On a take of an asset with candidates: that asset's name and the take's number (1-based). */
  take?: { of: string; k: number };
  /**
   * `background: transparent`: the names of its two paid sources (on white, and edited to
   * black); its own output is their difference matte, made locally, never paid.
   */
  matte?: { white: string; black: string };
  /** On a source of a transparent asset: that asset's name and which backdrop this one has. */
  matteSource?: { of: string; backdrop: "white" | "black" };
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
  /** What the load read, by content (set by loadProject): a later load that reads the same expands the same. */
  inputs?: ProjectInputs;
}

/** The files a load read and how it was asked, as sha256 digests of their content. */
export interface ProjectInputs {
  /** The config file's text. */
  config: string;
  /** The overrides the load applied, as JSON. */
  overrides: string;
  /** Each manifest (relative to the root, in load order) and its text. */
  manifests: Array<[file: string, sha256: string]>;
  /** Each local reference file the manifests use (absolute) and its bytes. */
  references: Array<[file: string, sha256: string]>;
  /** The lockfile's text, when the expansion used it (picks, upstream hashes): "" when it was missing, "given" when passed in. */
  lock?: string;
}
