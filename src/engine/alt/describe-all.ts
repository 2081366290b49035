import { readFileSync } from "node:fs";
import path from "node:path";
import pLimit from "p-limit";
import { altCurrent, planAlt } from "../../core/alt/plan.js";
import { DESCRIBE_MODELS, DESCRIBE_PROMPT } from "../../core/catalog/describe.js";
import { mimeOf, type ImageFormat } from "../../core/catalog/models.js";
import { round } from "../../core/catalog/prices.js";
import { sha256 } from "../../core/hash.js";
import type { LockEntry, Lockfile } from "../../core/lock/types.js";
import type { ResolvedAsset } from "../../core/project.js";
import type { ProviderRuntime } from "../providers/runtime.js";
import { writeFileAtomic } from "../state/atomic-write.js";

/** What the alt step did: descriptions paid for, reused from the cache, already current, failed. */
export interface AltSummary {
  described: number;
  cached: number;
  upToDate: number;
  failed: number;
  costUsd: number;
  /** Descriptions not paid for because the budget would not allow them (warned about). */
  skipped: number;
}

/**
 * Descriptions by image sha256, in `.nanobanana/descriptions.json`: an image described once
 * (a revert, a rename, a rebuilt lock) is never paid for again.
 */
export class DescriptionCache {
  private readonly file: string;
  private data: Record<string, { text: string; costUsd: number }>;
  private dirty = false;

  constructor(stateDir: string) {
    this.file = path.join(stateDir, "descriptions.json");
    try {
      this.data = JSON.parse(readFileSync(this.file, "utf8")) as typeof this.data;
    } catch {
      this.data = {};
    }
  }

  get(sha: string): { text: string; costUsd: number } | undefined {
    const d = this.data[sha];
    return d && typeof d.text === "string" ? d : undefined;
  }

  set(sha: string, text: string, costUsd: number): void {
    this.data[sha] = { text, costUsd };
    this.dirty = true;
  }

  save(): void {
    if (this.dirty) writeFileAtomic(this.file, JSON.stringify(this.data), { flush: "none" });
    this.dirty = false;
  }
}

export interface DescribeOptions {
  root: string;
  stateDir: string;
  /** The provider, connected on first need (a build with nothing to describe connects nothing). */
  provider: () => Promise<ProviderRuntime>;
  record: (name: string, entry: LockEntry) => void;
  onDescribed?: (name: string, text: string, costUsd: number) => void;
  onWarning?: (name: string, message: string) => void;
  signal?: AbortSignal;
  /** Asked before a paid description with its listed price; a reason means "do not pay" (the budget). */
  reserve?: (name: string, usd: number) => string | undefined;
  /** Told what a reserved description cost (undefined when it failed: the reservation counts). */
  settle?: (name: string, usd?: number) => void;
}

/**
 * `alt: auto`: describes every current image whose lock entry has no description of it yet,
 * by its sha256 from the cache when it can, else by the provider's text model (paid), and
 * records the text in the lock entry (`alt`, source `auto`).
 */
export async function describeAll(assets: ResolvedAsset[], lock: Lockfile, opts: DescribeOptions): Promise<AltSummary> {
  const summary: AltSummary = { described: 0, cached: 0, upToDate: 0, failed: 0, costUsd: 0, skipped: 0 };
  const cache = new DescriptionCache(opts.stateDir);
  const items = planAlt(
    assets,
    lock,
    () => false,
    (sha) => cache.get(sha) !== undefined,
  );
  const limit = pLimit(4);
  const byName = new Map(assets.map((a) => [a.name, a]));
  await Promise.all(
    items.map((item) =>
      limit(async () => {
        if (item.action === "up-to-date") return void summary.upToDate++;
        if (item.action === "after-generation" || opts.signal?.aborted) return;
        const entry = lock.assets[item.name];
        if (altCurrent(entry)) return void summary.upToDate++;
        const known = cache.get(entry.sha256);
        if (known) {
          opts.record(item.name, {
            ...entry,
            alt: { text: known.text, source: "auto", imageSha256: entry.sha256, costUsd: known.costUsd },
          });
          return void summary.cached++;
        }
        const asset = byName.get(item.name)!;
        const model = DESCRIBE_MODELS[asset.spec.provider];
        const refused = opts.reserve?.(item.name, model!.usd);
        if (refused) {
          summary.skipped++;
          opts.onWarning?.(item.name, `not described for alt: auto: ${refused}`);
          return;
        }
        try {
          const data = readFileSync(path.join(opts.root, entry.output));
          if (sha256(data) !== entry.sha256) throw new Error(`${entry.output} differs from the image the lock records; not describing it`);
          const provider = await opts.provider();
          const d = await provider.describeImage(
            { modelId: model!.modelId, prompt: DESCRIBE_PROMPT, image: { data, mimeType: mimeOf(entry.format as ImageFormat) } },
            model!.usd,
            { signal: opts.signal },
          );
          opts.settle?.(item.name, d.cost.usd);
          cache.set(entry.sha256, d.text, d.cost.usd);
          opts.record(item.name, { ...entry, alt: { text: d.text, source: "auto", imageSha256: entry.sha256, costUsd: d.cost.usd } });
          summary.described++;
          summary.costUsd = round(summary.costUsd + d.cost.usd);
          opts.onDescribed?.(item.name, d.text, d.cost.usd);
        } catch (err) {
          opts.settle?.(item.name);
          summary.failed++;
          opts.onWarning?.(item.name, `could not describe the image for alt: auto: ${(err as Error).message}`);
        }
      }),
    ),
  );
  cache.save();
  return summary;
}
