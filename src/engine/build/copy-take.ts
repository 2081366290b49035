import path from "node:path";
import type { LockEntry, Lockfile } from "../../core/lock/types.js";
import { pickedTake } from "../../core/manifest/candidates.js";
import type { ResolvedAsset } from "../../core/project.js";
import type { ContentStore } from "../store/content-store.js";
import { copyVerified } from "./restore-sources.js";

/**
 * Writes the output of an asset with candidates from its picked take, never paying: the take's
 * output file (checked against its sha256), else the local store by spec hash. Returns the
 * asset's lock entry (the take's, at the asset's output), or undefined when no copy exists.
 */
export async function copyPickedTake(
  root: string,
  asset: ResolvedAsset,
  lock: Lockfile,
  store: ContentStore,
  simulated: boolean,
): Promise<LockEntry | undefined> {
  const name = pickedTake(asset);
  if (!name) return undefined;
  const dest = path.join(root, asset.output);
  const take = lock.assets[name];
  const usable = (e: LockEntry | undefined) => e !== undefined && e.hash === asset.hash && Boolean(e.simulated) === simulated;
  if (take && usable(take) && (await copyVerified(path.join(root, take.output), take.sha256, dest))) return asEntry(take, asset);
  const kept = store.get(asset.hash);
  if (!usable(kept)) return undefined;
  const restored = await store.restore(asset.hash, dest);
  return restored && asEntry(restored, asset);
}

/** The take's entry as the asset's: its output, and nothing derived from the take (takes derive nothing). */
function asEntry(take: LockEntry, asset: ResolvedAsset): LockEntry {
  const { derived: _derived, alt: _alt, ...rest } = take;
  return { ...rest, output: asset.output };
}
