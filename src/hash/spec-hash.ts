import { createHash } from "node:crypto";
import type { AssetSpec } from "../project/types.js";
import { canonicalJson } from "./canonical.js";

/**
 * Bumped when the meaning of a spec changes (a new field, a different prompt assembly), so
 * that every asset is rebuilt once rather than silently reused.
 */
export const SPEC_FORMAT_VERSION = 1;

/**
 * The spec hash: exactly what changes the image. Provider, provider model id, final prompt,
 * resolution, aspect ratio, format, seed, web search, reference content, format version.
 * Not the asset name, output path, concurrency, comments or key order.
 */
export function specHash(spec: AssetSpec): string {
  const hashed = {
    v: SPEC_FORMAT_VERSION,
    provider: spec.provider,
    modelId: spec.modelId,
    prompt: spec.prompt,
    resolution: spec.resolution,
    aspectRatio: spec.aspectRatio,
    format: spec.format,
    seed: spec.seed,
    webSearch: spec.webSearch,
    references: spec.references.map((r) => (r.normalize ? [r.sha256, r.normalize] : (r.sha256 ?? r.url))),
  };
  return createHash("sha256").update(canonicalJson(hashed)).digest("hex");
}

/** sha256 of bytes, hex. */
export function sha256(data: Uint8Array | string): string {
  return createHash("sha256").update(data).digest("hex");
}
