import { pixelSize } from "../../core/catalog/pixel-sizes.js";
import { gateFailures, gatesOf } from "../../core/gates/check.js";
import type { LockEntry } from "../../core/lock/types.js";
import type { ResolvedAsset } from "../../core/project.js";
import type { ImageFacts } from "./image-file.js";
import type { RunDeps } from "./run-types.js";

/** An image that failed its quality gates: it was paid for and is kept aside, never used as the output. */
export class GateRejection extends Error {
  override name = "GateRejection";
  constructor(
    readonly reasons: string[],
    readonly entry: LockEntry,
  ) {
    super(`rejected by the quality gates: ${reasons.join("; ")}`);
  }
}

/**
 * The quality gates on a downloaded image (the temp file, before it is renamed over the
 * output): pixel size against the model's table, format, blank, file size, alpha, sharpness.
 * On a failure the image is kept in the store's rejected area and GateRejection is thrown.
 */
export async function gateImage(
  asset: Pick<ResolvedAsset, "gates" | "spec">,
  tmp: string,
  facts: ImageFacts,
  entry: LockEntry,
  deps: Pick<RunDeps, "keepRejected">,
): Promise<void> {
  const gates = gatesOf(asset);
  const measures = { ...facts.measures };
  if (gates.minSharpness !== undefined) {
    // stats() costs a full pass more than the decode every image gets: only when a gate asks.
    const sharp = (await import("sharp")).default;
    measures.sharpness = (await sharp(tmp).stats()).sharpness;
  }
  const { model, resolution, aspectRatio, format } = asset.spec;
  const reasons = gateFailures(gates, measures, { format, size: pixelSize(model, resolution, aspectRatio) });
  if (reasons.length === 0) return;
  deps.keepRejected?.(entry, tmp, reasons);
  throw new GateRejection(reasons, entry);
}
