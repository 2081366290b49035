import type { ResolvedAsset } from "../project.js";
import { needsUrl } from "../references/needs-url.js";

/** Something the user must provide before an asset can be built. */
export interface PlanNeed {
  name: string;
  message: string;
}

/** What the planner knows about delivering references to a provider that takes only URLs. */
export interface UrlFacts {
  provider: string;
  /** Content hashes (sha256) with a result URL that is still good. */
  liveUrls: ReadonlySet<string>;
}

/**
 * The references a URL-only provider cannot be given (a local file with no known URL, an
 * upstream whose result URL expired), for the assets this build generates. An upstream built
 * in the same run gets a fresh URL, so it needs nothing. Pure.
 */
export function referenceNeeds(assets: readonly ResolvedAsset[], work: ReadonlySet<string>, facts: UrlFacts): PlanNeed[] {
  const out: PlanNeed[] = [];
  for (const a of assets) {
    // A cut-out is matted locally: its references (its sources) are never sent anywhere.
    if (!work.has(a.name) || a.matte) continue;
    for (const r of a.spec.references) {
      if (r.kind === "url") continue;
      if (r.kind === "asset" && (r.sha256?.startsWith("spec:") || work.has(r.ref))) continue;
      const sha = r.kind === "file" && r.normalize ? undefined : r.sha256;
      if (!sha || !facts.liveUrls.has(sha)) out.push({ name: a.name, message: needsUrl(r, facts.provider) });
    }
  }
  return out;
}

/** Content hashes an asset's references would be delivered by (what the engine looks URLs up for). */
export function referencedContent(asset: ResolvedAsset): string[] {
  const out: string[] = [];
  for (const r of asset.spec.references) {
    if (r.kind === "url" || !r.sha256 || r.sha256.startsWith("spec:")) continue;
    if (r.kind === "file" && r.normalize) continue;
    out.push(r.sha256);
  }
  return out;
}
