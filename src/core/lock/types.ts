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
}

export interface Lockfile {
  version: number;
  /** Entries by asset name. */
  assets: Record<string, LockEntry>;
}

export function emptyLock(): Lockfile {
  return { version: LOCKFILE_VERSION, assets: {} };
}
