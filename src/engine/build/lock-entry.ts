import type { Cost } from "../../core/catalog/prices.js";
import type { LockEntry } from "../../core/lock/types.js";
import type { ResolvedAsset } from "../../core/project.js";
import type { ImageFacts } from "./image-file.js";

/** The lock entry of an asset's image: its spec, the file's facts, where it came from and what it cost. */
export function imageEntry(
  asset: Pick<ResolvedAsset, "hash" | "output" | "spec">,
  facts: ImageFacts,
  made: { taskId: string; cost: Cost; at: Date; simulated: boolean },
): LockEntry {
  const { provider, modelId, model, ...spec } = asset.spec;
  return {
    hash: asset.hash,
    provider,
    model,
    modelId,
    taskId: made.taskId,
    output: asset.output,
    sha256: facts.sha256,
    bytes: facts.bytes,
    width: facts.width,
    height: facts.height,
    format: facts.format,
    cost: made.cost,
    generatedAt: made.at.toISOString(),
    simulated: made.simulated || undefined,
    spec,
  };
}
