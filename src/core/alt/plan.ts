import { DESCRIBE_MODELS } from "../catalog/describe.js";
import type { ProviderName } from "../catalog/provider-names.js";
import { round } from "../catalog/prices.js";
import type { LockEntry, Lockfile } from "../lock/types.js";
import type { ResolvedAsset } from "../project.js";

/** What a build does about one asset's `alt: auto`: pay a text model, reuse a description, or nothing. */
export type AltAction = "describe" | "cached" | "after-generation" | "up-to-date";

export interface AltPlanItem {
  name: string;
  action: AltAction;
  reason: string;
  /** Listed price of the description (0 when nothing is paid). */
  estimatedUsd: number;
}

/** True when the lock entry's alt text describes the entry's image. */
export function altCurrent(entry: LockEntry | undefined): boolean {
  return entry?.alt?.source === "auto" && entry.alt.imageSha256 === entry.sha256;
}

/**
 * For every asset with `alt: auto`: whether its image must be described (paid), has a
 * description cached by its sha256 (free), or waits for its image. Pure.
 */
export function planAlt(
  assets: ResolvedAsset[],
  lock: Lockfile,
  generating: (name: string) => boolean,
  cached: (sha256: string) => boolean,
): AltPlanItem[] {
  const items: AltPlanItem[] = [];
  for (const a of assets) {
    if (!a.alt || !("auto" in a.alt)) continue;
    const usd = DESCRIBE_MODELS[a.spec.provider]?.usd ?? 0;
    const entry = lock.assets[a.name];
    if (generating(a.name) || !entry || entry.hash !== a.hash)
      items.push({ name: a.name, action: "after-generation", reason: "described once the image is generated", estimatedUsd: usd });
    else if (altCurrent(entry)) items.push({ name: a.name, action: "up-to-date", reason: "describes the current image", estimatedUsd: 0 });
    else if (cached(entry.sha256))
      items.push({ name: a.name, action: "cached", reason: "this image was described before (by its sha256)", estimatedUsd: 0 });
    else items.push({ name: a.name, action: "describe", reason: "not described yet", estimatedUsd: usd });
  }
  return items;
}

/** The descriptions a plan would pay for, by text model: lines of the budget's estimate. Pure. */
export function altEstimate(
  items: readonly AltPlanItem[],
  provider: ProviderName,
): Array<{ model: string; resolution: string; count: number; usd: number }> {
  const paid = items.filter((i) => i.estimatedUsd > 0);
  const model = DESCRIBE_MODELS[provider]?.modelId;
  if (!paid.length || !model) return [];
  return [{ model: `${model} (alt text)`, resolution: "", count: paid.length, usd: altUsd(paid) }];
}

/** What the descriptions of a plan would cost. */
export function altUsd(items: AltPlanItem[]): number {
  return round(items.reduce((s, i) => s + i.estimatedUsd, 0));
}
