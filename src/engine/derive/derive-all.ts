import { readFileSync, rmSync } from "node:fs";
import path from "node:path";
import pLimit from "p-limit";
import { sha256 } from "../../core/hash.js";
import { deriveHash } from "../../core/derive/pipeline.js";
import { planDerived, type DerivedPlanItem } from "../../core/derive/plan.js";
import type { DerivedRecord, LockEntry, Lockfile } from "../../core/lock/types.js";
import type { ResolvedAsset } from "../../core/project.js";
import { writeFileAtomic } from "../state/atomic-write.js";
import { gatherDerivedFacts } from "./facts.js";
import { loadSharp, runPipeline } from "./pipeline.js";

/** What the derive step did. */
export interface DeriveSummary {
  made: number;
  upToDate: number;
  removed: number;
  failed: number;
}

export interface DeriveOptions {
  root: string;
  /** Records an updated lock entry (the build's lock writer). */
  record: (name: string, entry: LockEntry) => void;
  onMade?: (name: string, output: string) => void;
  onWarning?: (name: string, message: string) => void;
  signal?: AbortSignal;
  /** Pipelines run at once (sharp has its own thread pool; default 4). */
  concurrency?: number;
}

/**
 * Makes every derived file that is missing or out of date, from images the lock records as
 * current, and removes the ones no manifest asks for any more. Local work only: nothing here
 * talks to a provider. Assets whose image is not generated (failed, not built) are left alone.
 */
export async function deriveAll(assets: ResolvedAsset[], lock: Lockfile, opts: DeriveOptions): Promise<DeriveSummary> {
  const items = planDerived(assets, lock, gatherDerivedFacts(opts.root, assets), () => false);
  const summary: DeriveSummary = { made: 0, upToDate: 0, removed: 0, failed: 0 };
  const byAsset = new Map<string, DerivedPlanItem[]>();
  for (const i of items) {
    if (i.action === "up-to-date") summary.upToDate++;
    if (i.action !== "make" && i.action !== "remove") continue;
    const list = byAsset.get(i.name) ?? [];
    list.push(i);
    byAsset.set(i.name, list);
  }
  if (byAsset.size === 0) return summary;
  const sharp = await loadSharp();
  const limit = pLimit(opts.concurrency ?? 4);
  const byName = new Map(assets.map((a) => [a.name, a]));
  await Promise.all(
    [...byAsset].map(([name, work]) =>
      limit(async () => {
        if (opts.signal?.aborted) return;
        const asset = byName.get(name)!;
        const entry = lock.assets[name];
        const records = new Map((entry.derived ?? []).map((r) => [r.output, r]));
        for (const w of work.filter((x) => x.action === "remove")) {
          rmSync(path.join(opts.root, w.output), { force: true });
          records.delete(w.output);
          summary.removed++;
        }
        const make = work.filter((x) => x.action === "make");
        if (make.length) {
          let source: Buffer;
          try {
            source = readFileSync(path.join(opts.root, entry.output));
          } catch (err) {
            summary.failed += make.length;
            opts.onWarning?.(name, `cannot read ${entry.output} to derive from it: ${(err as Error).message}`);
            return void save(records);
          }
          if (sha256(source) !== entry.sha256) {
            summary.failed += make.length;
            opts.onWarning?.(
              name,
              `${entry.output} differs from the image the lock records; not deriving from it (build --verify regenerates it)`,
            );
            return void save(records);
          }
          for (const w of make) {
            const spec = asset.derived!.find((d) => d.output === w.output)!;
            try {
              const out = await runPipeline(sharp, source, spec.pipeline);
              writeFileAtomic(path.join(opts.root, w.output), out.data, { flush: "none" });
              records.set(w.output, {
                output: w.output,
                hash: deriveHash(entry.sha256, spec.pipeline),
                sha256: sha256(out.data),
                bytes: out.data.length,
                width: out.width,
                height: out.height,
                format: out.format,
              });
              summary.made++;
              opts.onMade?.(name, w.output);
            } catch (err) {
              summary.failed++;
              opts.onWarning?.(name, `could not derive ${w.output}: ${(err as Error).message}`);
            }
          }
        }
        save(records);

        function save(recs: Map<string, DerivedRecord>) {
          const derived = [...recs.values()].sort((a, b) => (a.output < b.output ? -1 : a.output > b.output ? 1 : 0));
          const next: LockEntry = { ...entry };
          if (derived.length) next.derived = derived;
          else delete next.derived;
          opts.record(name, next);
        }
      }),
    ),
  );
  return summary;
}
