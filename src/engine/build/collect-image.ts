import { gatesOf } from "../../core/gates/check.js";
import type { AssetOutcome, RunDeps } from "./run-types.js";
import { message, paidEmptyMessage, retryEvents } from "./run-helpers.js";
import path from "node:path";
import { HttpError } from "../transport/errors.js";
import { abortableSleep, retryDelayMs } from "../transport/retry.js";
import type { LockEntry } from "../../core/lock/types.js";
import type { ResolvedAsset } from "../../core/project.js";
import type { ImageRequest, TaskHandle, TaskStatus } from "../providers/types.js";
import { BadImageError, OversizeImageError, saveImage, type ImageFacts } from "./image-file.js";
import { judgePixels } from "../../core/catalog/pixel-sizes.js";
import { gateImage, GateRejection } from "./gate-image.js";
import { imageEntry } from "./lock-entry.js";

/* Downloading, checking and recording one finished task's image. */
/** Fetches of an image whose bytes did not decode (or whose URL expired), each under the transport's own retries. */
const DOWNLOAD_ATTEMPTS = 3;

export async function finish(
  asset: ResolvedAsset,
  task: TaskHandle,
  status: TaskStatus,
  req: ImageRequest,
  deps: RunDeps,
): Promise<AssetOutcome> {
  if (status.state === "blocked") {
    deps.journal.remove(asset.hash);
    return { status: "blocked", reason: status.message ? `${status.reason}: ${status.message}` : status.reason, taskId: task.taskId };
  }
  if (status.state === "failed") {
    deps.journal.remove(asset.hash);
    return { status: "failed", error: status.message, taskId: task.taskId };
  }
  if (status.state === "empty") {
    // Paid, with nothing in it: recorded as such, so no later build polls or pays for it again.
    const mark = { taskId: task.taskId, handle: task.handle, empty: true };
    if (!deps.journal.update(asset.hash, mark))
      deps.journal.record({
        ...mark,
        hash: asset.hash,
        name: asset.name,
        provider: deps.provider.name,
        submittedAt: (deps.now?.() ?? new Date()).toISOString(),
        simulated: deps.simulated,
        output: asset.output,
        spec: asset.spec,
      });
    return { status: "failed", error: paidEmptyMessage(task.taskId, status.message), taskId: task.taskId };
  }
  if (status.state !== "succeeded") throw new Error(`unexpected task state ${status.state}`);
  if (status.images.length > 1)
    deps.emit({ type: "warning", name: asset.name, message: `the provider returned ${status.images.length} images; keeping the first` });
  const dest = path.join(deps.root, asset.output);
  let facts: ImageFacts | undefined;
  let image = status.images[0];
  const hooks = { onRetry: retryEvents(asset, "download", deps) };
  const entryOf = (f: ImageFacts): LockEntry => lockEntry(asset, task, status, req, f, deps);
  // The gates look at the checked temp file: a rejected image is kept aside, never renamed over the output.
  const accept = (tmp: string, f: ImageFacts) => gateImage(asset, tmp, f, entryOf(f), deps);
  for (let attempt = 1; ; attempt++) {
    try {
      const sizeCheck = (w: number, h: number) => judgePixels(asset.spec, w, h);
      const blankBelow = gatesOf(asset).minStdev;
      facts = await saveImage(image, dest, asset.spec.format, deps.http, deps.signal, hooks, sizeCheck, accept, blankBelow);
      break;
    } catch (err) {
      if (err instanceof GateRejection) {
        deps.journal.remove(asset.hash);
        return { status: "rejected", reason: err.reasons.join("; "), taskId: task.taskId, entry: err.entry };
      }
      const expired = err instanceof HttpError && err.info.code === "url_expired";
      const again = (err instanceof BadImageError || expired) && attempt < DOWNLOAD_ATTEMPTS && !deps.signal?.aborted;
      if (!again) {
        noteCollectFailure(asset, err, deps);
        if (err instanceof OversizeImageError)
          throw new Error(
            `${err.message}. Task ${task.taskId} is paid and stays recorded, so nothing is paid again; \`nanobanana tasks forget ${task.taskId}\` gives it up`,
          );
        throw err;
      }
      if (expired && deps.provider.resumable) {
        // A signed result URL has a lifetime: ask the task again for a fresh one (no new charge).
        const fresh = await deps.provider.status(task, req, { signal: deps.signal });
        if (fresh.state === "succeeded" && fresh.images[0]) image = fresh.images[0];
        deps.emit({ type: "retry", name: asset.name, what: "download (fresh URL)", attempt, delayMs: 0, error: message(err) });
        continue;
      }
      const delayMs = retryDelayMs(attempt - 1, err, deps.http.policy);
      deps.emit({ type: "retry", name: asset.name, what: "download", attempt, delayMs, error: message(err) });
      await abortableSleep(delayMs, deps.signal);
    }
  }
  if (facts.sizeDiffers) deps.emit({ type: "warning", name: asset.name, message: facts.sizeDiffers });
  if (facts.convertedFrom && !status.images[0].formatChosenByModel)
    deps.emit({
      type: "warning",
      name: asset.name,
      message: `the provider sent ${facts.convertedFrom}; converted to ${asset.spec.format}`,
    });
  return { status: "generated", entry: entryOf(facts), facts, resultUrl: status.images[0].url };
}

/** The lock entry of a collected image (also what a rejected image's record keeps). */
function lockEntry(
  asset: ResolvedAsset,
  task: TaskHandle,
  status: TaskStatus,
  req: ImageRequest,
  facts: ImageFacts,
  deps: RunDeps,
): LockEntry {
  const cost = (status.state === "succeeded" ? status.cost : undefined) ?? deps.provider.cost(req);
  return imageEntry(asset, facts, { taskId: task.taskId, cost, at: deps.now?.() ?? new Date(), simulated: deps.simulated });
}

/** A download that failed for this build: counted in the task's journal entry with its error, for `nanobanana tasks`. */
function noteCollectFailure(asset: ResolvedAsset, err: unknown, deps: RunDeps): void {
  const text = deps.provider.scrub(message(err));
  const lastError = text.length > 300 ? `${text.slice(0, 297)}...` : text;
  try {
    deps.journal.update(asset.hash, (t) => ({ collectFailures: (t.collectFailures ?? 0) + 1, lastError }));
  } catch {
    // The count is for the user's eyes only; the task id is already on disk.
  }
}
