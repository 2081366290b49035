import { entryConsistent } from "../lock/consistent.js";
import { atBatchRate, costOf, round, type PriceOverrides } from "../catalog/prices.js";
import type { LockEntry, Lockfile } from "../lock/types.js";
import type { ResolvedAsset } from "../project.js";
import { COMPARED_FIELDS } from "../spec.js";
import { referenceNeeds, type UrlFacts } from "./needs.js";
import { selectOnly } from "./only.js";
import { matchesAny, nameGlob } from "../name-glob.js";
import { pickedTake } from "../manifest/candidates.js";
import { needsGeneration, type OutputFacts, type Plan, type PlanAction, type PlanItem } from "./types.js";

export interface PlanInput {
  assets: ResolvedAsset[];
  /** A simulated build accepts simulated lock entries; a real one regenerates them. */
  simulate: boolean;
  provider: string;
  prices?: PriceOverrides;
  /** Batch mode: images are estimated at the Batch API's price (half). */
  batch?: boolean;
  /** Compare file contents too (facts must then carry sha256). */
  verify?: boolean;
  /** Plan only the assets (and orphans) whose name matches one of these globs (`--only`). */
  only?: readonly string[];
  /**
   * Spec hashes whose image the local store holds, made the way this build makes them
   * (simulated or real): no charge to rebuild.
   */
  stored?: ReadonlySet<string>;
  /**
   * Spec hashes some source can restore at no charge, and where, in words ("in the remote",
   * "in the output of the lock entry hero"): a rename, a revert, another machine's build.
   */
  restorable?: Map<string, string>;
  /** For a real build on a provider that takes references only as URLs: which URLs are known. */
  urls?: UrlFacts;
  /**
   * Spec hashes whose paid image failed the quality gates, with why (and what it cost): the
   * build does not pay for them again (action `rejected`) unless the caller leaves them out.
   */
  rejected?: ReadonlyMap<string, string>;
}

/**
 * Decides, for every asset and every lock entry, what a build would do and what it would
 * cost: applies `--only`, prices the work, and lists what the user must provide first. Pure:
 * what the disk holds comes in as data (`facts`, `stored`, `urls`).
 */
export function plan(input: PlanInput, lock: Lockfile, facts: OutputFacts): Plan {
  const all: PlanItem[] = [];
  const seen = new Set<string>();
  const priceOf = pricing(input);
  const locked = Object.keys(lock.assets).length > 0; // else no orphans to find
  for (const asset of input.assets) {
    if (locked) seen.add(asset.name);
    const decided = decide(asset, lock.assets[asset.name], facts, input);
    const { changed } = decided;
    let { action } = decided;
    const local = localSource(asset);
    const source = !needsGeneration(action)
      ? undefined
      : local || (input.restorable?.get(asset.hash) ?? (input.stored?.has(asset.hash) ? "in the local store" : undefined));
    const restorable = source !== undefined;
    let reason = restorable ? `${decided.reason}; ${source}${local ? ", no charge" : ": restored at no charge"}` : decided.reason;
    const rejected = needsGeneration(action) && !restorable ? input.rejected?.get(asset.hash) : undefined;
    if (rejected !== undefined) {
      action = "rejected";
      reason = `${decided.reason}; ${rejected}`;
    }
    const price = needsGeneration(action) && !restorable ? priceOf(asset) : 0;
    all.push({
      name: asset.name,
      action,
      reason,
      changed,
      hash: asset.hash,
      output: asset.output,
      model: asset.spec.model,
      resolution: asset.spec.resolution,
      estimatedUsd: price,
    });
  }
  for (const [name, entry] of Object.entries(lock.assets)) {
    if (seen.has(name)) continue;
    all.push({
      name,
      action: "orphaned",
      reason: "in the lockfile, no longer in any manifest",
      hash: entry.hash,
      output: entry.output,
      model: entry.model,
      resolution: entry.spec?.resolution ?? "",
      estimatedUsd: 0,
    });
  }
  const owners = new Map(input.assets.flatMap((a) => (a.matteSource ? [[a.name, a.matteSource.of] as const] : [])));
  const items = selectOnly(all, input.only, (n) => owners.get(n));
  const counts: Record<PlanAction, number> = { new: 0, changed: 0, "output-missing": 0, "up-to-date": 0, orphaned: 0, rejected: 0 };
  let total = 0;
  for (const it of items) {
    counts[it.action]++;
    total += it.estimatedUsd;
  }
  const result: Plan = { provider: input.provider, simulate: input.simulate, items, estimatedUsd: round(total), counts };
  if (input.urls) {
    const needs = referenceNeeds(input.assets, workOf(items), input.urls);
    if (needs.length) result.needs = needs;
  }
  return result;
}

/**
 * The assets a build would generate before the store, the rejections and the restore sources
 * are asked (what `plan` gives `new`, `changed` or `output-missing`), within `only`. Cheaper
 * than a plan: no items are made, so the engine asks those sources about these alone and plans once.
 */
export function workAssets(input: PlanInput, lock: Lockfile, facts: OutputFacts): ResolvedAsset[] {
  const globs = input.only?.length ? input.only.map(nameGlob) : undefined;
  return input.assets.filter(
    (a) => (!globs || matchesAny(a.name, globs)) && needsGeneration(decide(a, lock.assets[a.name], facts, input).action),
  );
}

/**
 * Where an asset that is never paid for itself comes from, or undefined: an asset with
 * candidates is a copy of its picked take, a cut-out is matted locally from its two sources
 * (their own items carry the prices).
 */
export function localSource(asset: ResolvedAsset): string | undefined {
  const take = pickedTake(asset);
  if (take) return `a copy of take ${asset.candidates!.picked} (${take})`;
  return asset.matte ? `matted locally from ${asset.matte.white} and ${asset.matte.black}` : undefined;
}

/** The estimate of one generation of each asset (memoised per provider, model and resolution). */
export function pricing(input: Pick<PlanInput, "prices" | "batch">): (a: ResolvedAsset) => number {
  // By provider, then model, then resolution (no key text made per asset: a plan prices 100,000).
  const prices = new Map<string, Map<string, Map<string, number>>>();
  return (a) => {
    const { provider, model, resolution } = a.spec;
    let byModel = prices.get(provider);
    if (!byModel) prices.set(provider, (byModel = new Map()));
    let byResolution = byModel.get(model);
    if (!byResolution) byModel.set(model, (byResolution = new Map()));
    let p = byResolution.get(resolution);
    if (p === undefined) byResolution.set(resolution, (p = atBatchRate(costOf(a.spec, input.prices).usd, input.batch)));
    return p;
  };
}

/** Names of the items a build generates. */
export function workOf(items: readonly PlanItem[]): Set<string> {
  return new Set(items.filter((i) => needsGeneration(i.action)).map((i) => i.name));
}

function decide(
  asset: ResolvedAsset,
  entry: LockEntry | undefined,
  facts: OutputFacts,
  input: PlanInput,
): { action: PlanAction; reason: string; changed?: string[] } {
  if (!entry) return { action: "new", reason: "not in the lockfile" };
  if (entry.hash !== asset.hash) {
    // Checked only here: a mixed entry (hash of one version, spec of another) would otherwise read "spec format changed".
    if (!entryConsistent(entry))
      return { action: "changed", reason: "lock entry not trusted: its hash does not match its own recorded spec (a line-level merge?)" };
    const changed = changedFields(asset, entry);
    return { action: "changed", reason: changed.length ? `${changed.join(", ")} changed` : "spec format changed", changed };
  }
  if (entry.simulated && !input.simulate)
    return { action: "changed", reason: "simulated image; this build is real", changed: ["simulated"] };
  if (entry.output !== asset.output) return { action: "output-missing", reason: `output moved from ${entry.output}` };
  const fact = facts.get(asset.output);
  if (!fact) return { action: "output-missing", reason: "output file missing" };
  if (fact.bytes !== entry.bytes)
    return { action: "output-missing", reason: `output file has ${fact.bytes} bytes, the lock says ${entry.bytes}` };
  if (input.verify && fact.sha256 !== undefined && fact.sha256 !== entry.sha256)
    return { action: "output-missing", reason: "output file content differs from the lock" };
  return { action: "up-to-date", reason: "spec unchanged" };
}

/** Spec fields that differ between the asset and its lock entry, for humans. */
export function changedFields(asset: ResolvedAsset, entry: LockEntry): string[] {
  const out: string[] = [];
  if (entry.provider !== asset.spec.provider) out.push("provider");
  if (entry.modelId !== asset.spec.modelId) out.push("model");
  const prev = (entry.spec ?? {}) as unknown as Record<string, unknown>;
  const cur = asset.spec as unknown as Record<string, unknown>;
  for (const k of COMPARED_FIELDS) {
    if (prev[k] !== cur[k]) out.push(k);
  }
  if (sortedJson(prev.references ?? []) !== sortedJson(cur.references ?? [])) out.push("references");
  return out;
}

/** JSON with object keys sorted: the lockfile stores keys sorted, a fresh spec does not. */
function sortedJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, (v as Record<string, unknown>)[k]]),
        )
      : v,
  );
}
