import type { AssetSpec } from "../project.js";
import type { Cost } from "../catalog/prices.js";

export const LOCKFILE_VERSION = 1;

/** What the lockfile records of one generated asset. No keys, no signed or expiring URLs. */
export interface LockEntry {
  /** Spec hash (see README: what is and is not in it). */
  hash: string;
  provider: string;
  model: string;
  modelId: string;
  taskId: string;
  /** Output file, relative to the project root. */
  output: string;
  sha256: string;
  bytes: number;
  width: number;
  height: number;
  format: string;
  cost: Cost;
  /** ISO time the image was collected. */
  generatedAt: string;
  /** True when the image came from a Batch API job (charged at the batch price). */
  batch?: boolean;
  /** True when the image came from the built-in simulator; never up to date for a real build. */
  simulated?: boolean;
  /** The resolved spec, so that `plan` can say which fields changed and reviewers can read the prompt. */
  spec: Omit<AssetSpec, "provider" | "modelId" | "model">;
  /** Alt text of the image (rendered from `alt:`, or described by a text model for `alt: auto`). */
  alt?: AltRecord;
  /** Files derived from the image locally (see `derive:`), sorted by output. */
  derived?: DerivedRecord[];
}

/** A derived file as the lock records it. */
export interface DerivedRecord {
  output: string;
  /** deriveHash(source sha256, pipeline). */
  hash: string;
  sha256: string;
  bytes: number;
  width: number;
  height: number;
  format: string;
}

/** Alt text and where it came from. */
export interface AltRecord {
  text: string;
  source: "template" | "auto";
  /** For `auto`: the sha256 of the image that was described (the cache key). */
  imageSha256?: string;
  /** For `auto`: what the description cost. */
  costUsd?: number;
}

export interface Lockfile {
  version: number;
  /** Entries by asset name. */
  assets: Record<string, LockEntry>;
  /** `nanobanana pick`: the take (1-based) each asset with candidates shows; absent means take 1. */
  picks?: Record<string, number>;
}

export function emptyLock(): Lockfile {
  return { version: LOCKFILE_VERSION, assets: {} };
}
