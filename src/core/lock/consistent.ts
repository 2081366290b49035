import { specHash } from "../hash.js";
import type { AssetSpec } from "../spec.js";
import type { LockEntry } from "./types.js";

/**
 * True when an entry's hash is the hash of its own recorded spec. A line-level git merge can
 * leave one side's `hash` with the other side's `spec.prompt`; such an entry is never trusted.
 * Entries without a recorded spec (no prompt) cannot be checked and pass.
 */
export function entryConsistent(entry: LockEntry): boolean {
  if (typeof entry.spec?.prompt !== "string" || !Array.isArray(entry.spec.references)) return true;
  try {
    const spec = { ...entry.spec, provider: entry.provider, modelId: entry.modelId, model: entry.model } as AssetSpec;
    return specHash(spec) === entry.hash;
  } catch {
    return false;
  }
}
