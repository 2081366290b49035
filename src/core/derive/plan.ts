import type { LockEntry, Lockfile } from "../lock/types.js";
import type { ResolvedAsset } from "../project.js";
import { deriveHash } from "./pipeline.js";

/** What a build will do with one derived file (local work, never paid). */
export type DerivedAction = "make" | "up-to-date" | "after-generation" | "remove";

export interface DerivedPlanItem {
  /** The asset it is derived from. */
  name: string;
  output: string;
  action: DerivedAction;
  reason: string;
}

/** What the filesystem says about derived files: project-relative path → size. */
export type DerivedFacts = Map<string, { bytes: number }>;

/**
 * Decides, for every derived file the manifests ask for, whether it must be made: it is up
 * to date when the lock records the same hash (source image + pipeline) for it and the file
 * has the recorded size. Derived files of an asset that is about to be generated wait for it.
 * Files the lock records and no manifest asks for any longer are removed. Pure.
 */
export function planDerived(
  assets: ResolvedAsset[],
  lock: Lockfile,
  facts: DerivedFacts,
  generating: (name: string) => boolean,
): DerivedPlanItem[] {
  const items: DerivedPlanItem[] = [];
  for (const asset of assets) {
    const entry = lock.assets[asset.name];
    const wanted = new Set<string>();
    for (const d of asset.derived ?? []) {
      wanted.add(d.output);
      if (generating(asset.name) || !entry || entry.hash !== asset.hash) {
        items.push({ name: asset.name, output: d.output, action: "after-generation", reason: "made once the image is generated" });
        continue;
      }
      const hash = deriveHash(entry.sha256, d.pipeline);
      items.push({ name: asset.name, output: d.output, ...decide(entry, d.output, hash, facts) });
    }
    for (const old of entry?.derived ?? []) {
      if (!wanted.has(old.output) && entry?.hash === asset.hash)
        items.push({ name: asset.name, output: old.output, action: "remove", reason: "no longer in the manifest" });
    }
  }
  return items;
}

function decide(entry: LockEntry, output: string, hash: string, facts: DerivedFacts): { action: DerivedAction; reason: string } {
  const recorded = entry.derived?.find((x) => x.output === output);
  if (!recorded) return { action: "make", reason: "not in the lockfile" };
  if (recorded.hash !== hash) return { action: "make", reason: "pipeline or source image changed" };
  const fact = facts.get(output);
  if (!fact) return { action: "make", reason: "file missing" };
  if (fact.bytes !== recorded.bytes) return { action: "make", reason: `file has ${fact.bytes} bytes, the lock says ${recorded.bytes}` };
  return { action: "up-to-date", reason: "unchanged" };
}

/** Counts by action. */
export function countDerived(items: DerivedPlanItem[]): Record<DerivedAction, number> {
  const counts: Record<DerivedAction, number> = { make: 0, "up-to-date": 0, "after-generation": 0, remove: 0 };
  for (const i of items) counts[i.action]++;
  return counts;
}
