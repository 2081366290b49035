import { randomBytes } from "node:crypto";
import path from "node:path";
import type { Dispatcher } from "undici";
import { listedPrice } from "../catalog/prices.js";
import type { PriceOverrides } from "../catalog/prices.js";
import { HttpError } from "../http/errors.js";
import { abortableSleep, isRetryable } from "../http/retry.js";
import type { LockEntry } from "../lock/types.js";
import type { ResolvedAsset } from "../project/types.js";
import type { Cost, ImageProvider, ImageRequest, ReferenceInput, TaskHandle, TaskStatus } from "../providers/types.js";
import type { EventSink } from "./events.js";
import { BadImageError, saveImage, type ImageFacts } from "./image-file.js";
import type { PendingTask, TaskJournal } from "./journal.js";
import type { FirstSubmitGate } from "./first-submit-gate.js";

/** Polling: first check after `initialMs`, then each wait 1.25× longer up to `maxMs`; give up after `deadlineMs`. */
export interface PollSchedule {
  initialMs: number;
  maxMs: number;
  deadlineMs: number;
}

export interface RunDeps {
  provider: ImageProvider;
  journal: TaskJournal;
  dispatcher: Dispatcher;
  root: string;
  simulated: boolean;
  poll: PollSchedule;
  prices?: PriceOverrides;
  emit: EventSink;
  signal?: AbortSignal;
  now?: () => Date;
  /** Delivers reference images as the provider takes them (checked before the paid submit). */
  references?: (asset: ResolvedAsset) => Promise<ReferenceInput[]>;
  /** Asked right before a paid submit; a reason string means "do not submit" (budget). */
  beforeSubmit?: (asset: ResolvedAsset) => string | undefined;
  /** Told when a submit was not accepted, so a reservation can be released. */
  submitRejected?: (asset: ResolvedAsset) => void;
  /** Only collect a journalled task; never submit (orphans whose asset changed). */
  collectOnly?: boolean;
  /** Holds submits until the build's first one is recorded (see FirstSubmitGate). */
  gate?: FirstSubmitGate;
}

export type AssetOutcome =
  | { status: "generated"; entry: LockEntry; facts: ImageFacts; resultUrl?: string }
  | { status: "failed"; error: string; taskId?: string }
  | { status: "blocked"; reason: string; taskId: string }
  /** Not submitted (budget, interrupted), or submitted and left running (`taskId` set, journalled). */
  | { status: "skipped"; reason: string; taskId?: string };

/** The neutral request for an asset's spec. */
export function requestFor(asset: ResolvedAsset): ImageRequest {
  const s = asset.spec;
  return {
    model: s.model,
    modelId: s.modelId,
    prompt: s.prompt,
    resolution: s.resolution,
    aspectRatio: s.aspectRatio,
    format: s.format,
    seed: s.seed,
    webSearch: s.webSearch,
    references: s.references.map((r) => ({ url: r.url })),
  };
}

const DOWNLOAD_ATTEMPTS = 4;

/**
 * Generates one asset: submit (or resume a journalled task), record the task id durably,
 * poll until it ends, then download and check the image. Never throws for provider
 * outcomes: a failure or block is returned as data so the other assets go on.
 */
export async function runAsset(asset: ResolvedAsset, resume: PendingTask | undefined, deps: RunDeps): Promise<AssetOutcome> {
  const req = requestFor(asset);
  let task: TaskHandle | undefined;
  try {
    let status: TaskStatus | undefined;
    if (resume?.taskId) {
      task = { taskId: resume.taskId, handle: resume.handle };
      deps.emit({ type: "submitted", name: asset.name, taskId: task.taskId, resumed: true });
      status = await pollUntilDone(task, req, asset, deps).catch((err) => {
        // The provider no longer knows the task (e.g. a simulator that restarted): submit anew.
        if (err instanceof HttpError && err.status === 404) return undefined;
        throw err;
      });
      if (!status) {
        deps.journal.remove(asset.hash);
        task = undefined;
        if (deps.collectOnly) return { status: "failed", error: `task ${resume.taskId} is unknown to the provider; nothing to collect` };
      }
    }
    if (!task) {
      if (deps.signal?.aborted) return { status: "skipped", reason: "interrupted before submitting" };
      // References are checked and delivered before anything is reserved or paid for.
      if (deps.references && asset.spec.references.length) req.references = await deps.references(asset);
      await deps.gate?.enter();
      if (deps.signal?.aborted) return { status: "skipped", reason: "interrupted before submitting" };
      const refused = deps.beforeSubmit?.(asset);
      if (refused) {
        deps.gate?.open();
        return { status: "skipped", reason: refused };
      }
      // No abort signal on the submit itself: once sent it may be accepted (and paid), so its
      // answer is always awaited and its task id recorded. Ctrl-C stops the polling instead.
      const key = resume?.key ?? `nb-${asset.hash.slice(0, 16)}-${randomBytes(8).toString("hex")}`;
      if (resume && !resume.taskId) {
        deps.emit({ type: "warning", name: asset.name, message: `an earlier build sent this submit and stopped before the answer arrived; sending it again with the same idempotency key (a provider that ignores the key charges it twice)` });
      }
      const pending = { hash: asset.hash, name: asset.name, provider: deps.provider.name, key, submittedAt: (deps.now?.() ?? new Date()).toISOString(), simulated: deps.simulated, output: asset.output, spec: asset.spec };
      // The intent is durable before the request leaves: a crash before the answer is then known.
      deps.journal.record({ ...pending, taskId: "" });
      const sub = await deps.provider.submit(req, { idempotencyKey: key }).catch((err: unknown) => {
        // A definite refusal created no task; an answer that never came may have (the intent
        // stays, and its reservation: the next build sends it again with the same key).
        if (!(err instanceof HttpError) || err.info.status !== undefined || !err.info.mayHaveReachedServer) {
          deps.submitRejected?.(asset);
          deps.journal.remove(asset.hash);
        }
        deps.gate?.open();
        throw err;
      });
      task = { taskId: sub.taskId, handle: sub.handle };
      deps.journal.record({ ...pending, taskId: sub.taskId, handle: sub.handle });
      deps.gate?.open();
      deps.emit({ type: "submitted", name: asset.name, taskId: sub.taskId, resumed: false });
      status = sub.status && sub.status.state !== "pending" ? sub.status : await pollUntilDone(task, req, asset, deps);
    }
    return await finish(asset, task, status!, deps);
  } catch (err) {
    if (deps.signal?.aborted && task) return { status: "skipped", reason: "interrupted; the task is recorded and the next build collects it", taskId: task.taskId };
    return { status: "failed", error: message(err), taskId: task?.taskId };
  }
}

async function pollUntilDone(task: TaskHandle, req: ImageRequest, asset: ResolvedAsset, deps: RunDeps): Promise<TaskStatus> {
  const started = Date.now();
  let wait = deps.poll.initialMs;
  for (;;) {
    await abortableSleep(wait, deps.signal);
    const status = await deps.provider.status(task, req, { signal: deps.signal });
    if (status.state !== "pending") return status;
    deps.emit({ type: "progress", name: asset.name, progress: status.progress });
    if (Date.now() - started > deps.poll.deadlineMs) {
      throw new Error(`task ${task.taskId} still running after ${Math.round(deps.poll.deadlineMs / 1000)} s; its id is recorded and the next build will collect it`);
    }
    wait = Math.min(wait * 1.25, deps.poll.maxMs);
  }
}

async function finish(asset: ResolvedAsset, task: TaskHandle, status: TaskStatus, deps: RunDeps): Promise<AssetOutcome> {
  if (status.state === "blocked") {
    deps.journal.remove(asset.hash);
    return { status: "blocked", reason: status.message ? `${status.reason}: ${status.message}` : status.reason, taskId: task.taskId };
  }
  if (status.state === "failed") {
    deps.journal.remove(asset.hash);
    return { status: "failed", error: status.message, taskId: task.taskId };
  }
  if (status.state !== "succeeded") throw new Error(`unexpected task state ${status.state}`);
  if (status.images.length > 1) deps.emit({ type: "warning", name: asset.name, message: `the provider returned ${status.images.length} images; keeping the first` });
  const dest = path.join(deps.root, asset.output);
  let facts: ImageFacts | undefined;
  for (let attempt = 1; ; attempt++) {
    try {
      facts = await saveImage(status.images[0], dest, asset.spec.format, deps.dispatcher, deps.signal);
      break;
    } catch (err) {
      const again = (err instanceof BadImageError || isRetryable(err)) && attempt < DOWNLOAD_ATTEMPTS && !deps.signal?.aborted;
      if (!again) throw err;
      const delayMs = 250 * 2 ** attempt;
      deps.emit({ type: "retry", name: asset.name, what: "download", attempt, delayMs, error: message(err) });
      await abortableSleep(delayMs, deps.signal);
    }
  }
  if (facts.convertedFrom && !status.images[0].formatChosenByModel) deps.emit({ type: "warning", name: asset.name, message: `the provider sent ${facts.convertedFrom}; converted to ${asset.spec.format}` });
  const cost: Cost = status.cost ?? catalogCost(asset, deps.prices);
  const { provider, modelId, model, ...spec } = asset.spec;
  const entry: LockEntry = {
    hash: asset.hash,
    provider,
    model,
    modelId,
    taskId: task.taskId,
    output: asset.output,
    sha256: facts.sha256,
    bytes: facts.bytes,
    width: facts.width,
    height: facts.height,
    format: facts.format,
    cost,
    generatedAt: (deps.now?.() ?? new Date()).toISOString(),
    simulated: deps.simulated || undefined,
    spec,
  };
  return { status: "generated", entry, facts, resultUrl: status.images[0].url };
}

function catalogCost(asset: ResolvedAsset, prices?: PriceOverrides): Cost {
  const p = listedPrice(asset.spec.provider, asset.spec.model, asset.spec.resolution, prices);
  return p ? { usd: p.usd, credits: p.credits, tokens: p.tokens, source: p.source } : { usd: 0, source: "catalog" };
}

export function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
