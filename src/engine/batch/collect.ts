import { gatesOf } from "../../core/gates/check.js";
import { rmSync } from "node:fs";
import path from "node:path";
import type { HttpClient } from "../transport/client.js";
import { geminiUsageCost, type GeminiUsage } from "../../core/catalog/gemini-tokens.js";
import { BATCH_PRICE_FACTOR, listedPrice, round, type Cost, type PriceOverrides } from "../../core/catalog/prices.js";
import type { LockEntry } from "../../core/lock/types.js";
import { judgePixels } from "../../core/catalog/pixel-sizes.js";
import { saveImage, type ImageFacts } from "../build/image-file.js";
import { gateImage, GateRejection } from "../build/gate-image.js";
import { imageEntry } from "../build/lock-entry.js";
import type { ResolvedGates } from "../../core/gates/check.js";
import { toGeminiStatus, type GeminiResponse } from "../providers/gemini/translate.js";
import type { ImageOutput } from "../providers/types.js";
import type { ContentStore } from "../store/content-store.js";
import type { BatchItem, BatchRecord } from "./job-journal.js";
import type { BatchOutcome } from "./types.js";

export interface CollectDeps {
  store: ContentStore;
  http: HttpClient;
  /** Folder for images between decoding and the store. */
  incoming: string;
  simulated: boolean;
  prices?: PriceOverrides;
  now?: () => Date;
  /** The quality gates of the asset of this name (the defaults for one no manifest has now). */
  gatesOf?: (name: string) => ResolvedGates | undefined;
}

/** The key of a result line: `key` (file jobs) or `metadata.key` (inline jobs). */
export function lineKey(line: Record<string, unknown>): string | undefined {
  const k = line.key ?? (line.metadata as Record<string, unknown> | undefined)?.key;
  return typeof k === "string" ? k : undefined;
}

/**
 * One result of a batch job: an error or a GenerateContentResponse read exactly as the
 * synchronous path reads it (blocks and text-only answers end the asset blocked). An image is
 * decoded, checked and kept in the store under its spec hash, with its cost from
 * `usageMetadata` at the batch rate. A result whose image the store already holds (collected
 * before a crash) is not decoded again.
 *
 * The line is read at once (not async on purpose): only the decoded image and the usage are
 * carried into the save, so the line's base64 text is garbage before the first await and dies
 * young instead of being promoted while the image is checked (which grew the heap of a
 * 10,000-image collection).
 */
export function collectLine(line: Record<string, unknown>, item: BatchItem, job: BatchRecord, deps: CollectDeps): Promise<BatchOutcome> {
  const taskId = `${job.jobName}/${item.hash.slice(0, 16)}`;
  const kept = deps.store.get(item.hash);
  if (kept) return Promise.resolve({ status: "generated", entry: kept });
  const error = line.error as { code?: number; status?: string; message?: string } | undefined;
  if (error)
    return Promise.resolve({
      status: "failed",
      error: `the batch request failed: ${[error.code, error.status].filter(Boolean).join(" ")}: ${error.message ?? "no message"}`,
      taskId,
    });
  const response = line.response as GeminiResponse | undefined;
  const status = toGeminiStatus(response ?? {});
  if (status.state === "blocked")
    return Promise.resolve({ status: "blocked", reason: status.message ? `${status.reason}: ${status.message}` : status.reason, taskId });
  if (status.state !== "succeeded")
    return Promise.resolve({ status: "failed", error: status.state === "failed" ? status.message : "no image", taskId });
  return saveResult(status.images[0], response?.usageMetadata as GeminiUsage | undefined, item, taskId, deps);
}

/** Saves a decoded result image into the store and makes its lock entry. */
async function saveResult(
  image: ImageOutput,
  usage: GeminiUsage | undefined,
  item: BatchItem,
  taskId: string,
  deps: CollectDeps,
): Promise<BatchOutcome> {
  const tmp = path.join(deps.incoming, `${item.hash}.${item.spec.format}`);
  try {
    const asset = { hash: item.hash, output: item.output, spec: item.spec, gates: deps.gatesOf?.(item.name) };
    const made = { taskId, cost: batchCost(item, usage, deps.prices), at: deps.now?.() ?? new Date(), simulated: deps.simulated };
    const entryOf = (f: ImageFacts): LockEntry => ({ ...imageEntry(asset, f, made), batch: true });
    // The same gates as a synchronous build: a rejected image is kept aside, never stored as the asset's.
    const keepRejected = (entry: LockEntry, file: string, reasons: string[]) => deps.store.keepRejected(entry, file, reasons, made.at);
    const facts = await saveImage(
      image,
      tmp,
      item.spec.format,
      deps.http,
      undefined,
      {},
      (w, h) => judgePixels(item.spec, w, h),
      (file, f) => gateImage(asset, file, f, entryOf(f), { keepRejected }),
      gatesOf(asset).minStdev,
    );
    const entry = entryOf(facts);
    deps.store.clearRejected(item.hash);
    deps.store.put(entry, tmp);
    return { status: "generated", entry };
  } catch (err) {
    if (err instanceof GateRejection) return { status: "rejected", reason: err.reasons.join("; "), taskId, entry: err.entry };
    throw err;
  } finally {
    rmSync(tmp, { force: true });
  }
}

/** A config price override (halved) wins; else the reported usage at the batch rate; else the catalog's batch price. */
function batchCost(item: BatchItem, usage: GeminiUsage | undefined, prices?: PriceOverrides): Cost {
  const listed = listedPrice("gemini", item.spec.model, item.spec.resolution, prices);
  if (listed?.source === "config") return { usd: round(listed.usd * BATCH_PRICE_FACTOR), source: "config" };
  if (usage && (usage.candidatesTokenCount ?? 0) > 0) {
    const c = geminiUsageCost(item.spec.model, usage);
    return { usd: round(c.usd * BATCH_PRICE_FACTOR), tokens: c.tokens, source: "usage" };
  }
  return { usd: round((listed?.usd ?? 0) * BATCH_PRICE_FACTOR), tokens: listed?.tokens, source: "catalog" };
}
