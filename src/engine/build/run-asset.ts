import path from "node:path";
import type { HttpClient } from "../transport/client.js";
import { HttpError } from "../transport/errors.js";
import { abortableSleep, retryDelayMs } from "../transport/retry.js";
import type { ProviderRuntime } from "../providers/runtime.js";
import type { LockEntry } from "../../core/lock/types.js";
import type { ResolvedAsset } from "../../core/project.js";
import type { ImageRequest, ReferenceInput, Submission, TaskHandle, TaskStatus } from "../providers/types.js";
import type { EventSink } from "./events.js";
import { BadImageError, saveImage, type ImageFacts } from "./image-file.js";
import type { PendingTask, TaskJournal } from "../state/journal.js";
import type { FirstSubmitGate } from "./first-submit-gate.js";
import type { PollPlanner } from "./poll-plan.js";
import type { ConcurrencyGate } from "../transport/rate-limit.js";
import { RecordKeeper } from "./record-keeper.js";
import { submitPaid, SubmitError } from "./submit.js";

export type { PollSchedule } from "./poll-plan.js";

export interface RunDeps {
  provider: ProviderRuntime;
  journal: TaskJournal;
  /** The one transport (downloads go through it). */
  http: HttpClient;
  root: string;
  simulated: boolean;
  poll: PollPlanner;
  /** Tasks running at the provider at once (providers.<name>.concurrency). */
  gate?: ConcurrencyGate;
  /** Submit again after an unknown outcome, reporting a possible duplicate (default true). */
  resubmitUnknown?: boolean;
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
  /** Watches journal writes: after a failed one nothing more is submitted (see RecordKeeper). */
  records?: RecordKeeper;
  /** Holds submits until the build's first one is recorded (see FirstSubmitGate). */
  firstSubmit?: FirstSubmitGate;
}

export type AssetOutcome = (
  | { status: "generated"; entry: LockEntry; facts: ImageFacts; resultUrl?: string }
  | { status: "failed"; error: string; taskId?: string }
  | { status: "blocked"; reason: string; taskId: string }
  /** Not submitted (budget, interrupted), or submitted and left running (`taskId` set, journalled). */
  | { status: "skipped"; reason: string; taskId?: string }
) & {
  /** Set when a submit's outcome was unknown: the provider may have charged for a task we never saw. */
  possibleDuplicate?: string;
};

/** The neutral request for an asset's spec. */
export function requestFor(asset: ResolvedAsset): ImageRequest {
  const { provider: _provider, references, ...settings } = asset.spec;
  return { ...settings, references: references.map((r) => ({ url: r.url })) };
}

/** Fetches of an image whose bytes did not decode (or whose URL expired), each under the transport's own retries. */
const DOWNLOAD_ATTEMPTS = 3;

/**
 * Generates one asset: submit (or resume a journalled task), record the task id durably,
 * poll until it ends, then download and check the image. Never throws for provider
 * outcomes: a failure or block is returned as data so the other assets go on.
 */
export async function runAsset(asset: ResolvedAsset, resume: PendingTask | undefined, deps: RunDeps): Promise<AssetOutcome> {
  const req = requestFor(asset);
  let task: TaskHandle | undefined;
  let possibleDuplicate: string | undefined;
  let release: (() => void) | undefined;
  try {
    release = await deps.gate?.acquire(deps.signal);
    let status: TaskStatus | undefined;
    if (resume?.taskId) {
      task = { taskId: resume.taskId, handle: resume.handle };
      const resumable = deps.provider.resumable;
      if (resumable) deps.emit({ type: "submitted", name: asset.name, taskId: task.taskId, resumed: true });
      status = !resumable
        ? undefined
        : await pollUntilDone(task, req, asset, deps).catch((err) => {
            // The provider no longer knows the task (e.g. a simulator that restarted): submit anew.
            if (err instanceof HttpError && err.status === 404) return undefined;
            throw err;
          });
      if (!status) {
        deps.journal.remove(asset.hash);
        const why = resumable
          ? `is unknown to ${deps.provider.name}${deps.simulated ? " (the in-process simulator that ran it has stopped)" : ""}`
          : `cannot be looked up again (${deps.provider.name} keeps no tasks; its answer was lost with the earlier build)`;
        if (!deps.collectOnly)
          deps.emit({ type: "warning", name: asset.name, message: `task ${resume.taskId} from an earlier build ${why}; submitting again` });
        task = undefined;
        if (deps.collectOnly) return { status: "failed", error: `task ${resume.taskId} ${why}; nothing to collect` };
      }
    }
    if (!task) {
      const submitted = await submit(asset, req, resume, deps);
      if ("skipped" in submitted) return { status: "skipped", reason: submitted.skipped };
      const { sub, answeredAt } = submitted;
      possibleDuplicate = submitted.possibleDuplicate;
      task = { taskId: sub.taskId, handle: sub.handle };
      deps.emit({ type: "submitted", name: asset.name, taskId: sub.taskId, resumed: false });
      status = sub.status && sub.status.state !== "pending" ? sub.status : await pollUntilDone(task, req, asset, deps, answeredAt);
    }
    release?.();
    release = undefined;
    const outcome = await finish(asset, task, status!, req, deps);
    return { ...outcome, possibleDuplicate };
  } catch (err) {
    if (err instanceof SubmitError) possibleDuplicate = err.possibleDuplicate;
    if (deps.signal?.aborted && task)
      return {
        status: "skipped",
        reason: "interrupted; the task is recorded and the next build collects it",
        taskId: task.taskId,
        possibleDuplicate,
      };
    return { status: "failed", error: message(err), taskId: task?.taskId, possibleDuplicate };
  } finally {
    release?.();
  }
}

/**
 * The paid submit. References are delivered and the budget reserved first; the intent (spec
 * hash + idempotency key) is journalled before the request leaves and the task id the moment
 * the answer arrives, so a crash at any instant leaves a record. Unknown outcomes are sent
 * again with the same key and reported as possible duplicates (see submitPaid).
 */
async function submit(
  asset: ResolvedAsset,
  req: ImageRequest,
  resume: PendingTask | undefined,
  deps: RunDeps,
): Promise<{ skipped: string } | { sub: Submission; answeredAt: number; possibleDuplicate?: string }> {
  if (deps.signal?.aborted) return { skipped: "interrupted before submitting" };
  const records = deps.records ?? new RecordKeeper(deps.journal);
  if (records.refusal) return { skipped: records.refusal };
  if (resume && !resume.taskId && resume.answer)
    throw new SubmitError(
      `an earlier submit got an answer nanobanana could not read (${resume.answer}); a paid task may exist, so it is not sent again. Check the provider's dashboard, then remove .nanobanana/tasks/${asset.hash}.json to submit anew`,
      `an earlier submit's answer could not be read (${resume.answer})`,
    );
  if (deps.references && asset.spec.references.length) req.references = await deps.references(asset);
  await deps.firstSubmit?.enter();
  if (deps.signal?.aborted) {
    deps.firstSubmit?.open();
    return { skipped: "interrupted before submitting" };
  }
  const refused = deps.beforeSubmit?.(asset);
  if (refused) {
    deps.firstSubmit?.open();
    return { skipped: refused };
  }
  const key = resume?.key ?? deps.provider.newKey(asset.hash);
  const resent =
    resume && !resume.taskId
      ? "an earlier build sent this submit and was stopped before the answer arrived; it was sent again with the same idempotency key (a provider that ignores the key charges it twice)"
      : undefined;
  if (resent) deps.emit({ type: "warning", name: asset.name, message: resent });
  const pending = {
    hash: asset.hash,
    name: asset.name,
    provider: deps.provider.name,
    key,
    submittedAt: (deps.now?.() ?? new Date()).toISOString(),
    simulated: deps.simulated,
    output: asset.output,
    spec: asset.spec,
  };
  if (!records.write({ ...pending, taskId: "" })) {
    deps.submitRejected?.(asset);
    deps.firstSubmit?.open();
    return { skipped: records.refusal! };
  }
  try {
    // No abort signal on the submit itself: once sent it may be accepted (and paid), so its
    // answer is always awaited and its task id recorded. Ctrl-C stops the polling instead.
    const submitted = await submitPaid(deps.provider, req, {
      idempotencyKey: key,
      onRetry: retryEvents(asset, "submit", deps),
      name: asset.name,
      resubmit: deps.resubmitUnknown ?? true,
      emit: deps.emit,
    });
    const answeredAt = Date.now();
    // Synchronous write and rename (the fsync follows in the background): the task id is on
    // disk for the next process within microseconds of the answer, which is what a SIGKILL
    // needs. An await here would leave the id in memory for the length of an fsync.
    // A provider that cannot look a task up again and answered with the result (Gemini) gains
    // nothing from its task id on disk: the intent already makes a crash from here on a
    // detectable unknown outcome, and the write would sit on the hot path of every image.
    const finalAnswer = !deps.provider.resumable && submitted.sub.status && submitted.sub.status.state !== "pending";
    const recorded = { ...pending, taskId: submitted.sub.taskId, handle: submitted.sub.handle };
    if (!finalAnswer && !records.write(recorded)) {
      // Not on disk: collected in this build if it can be, and reported by id either way.
      records.unrecorded.push({ name: asset.name, provider: deps.provider.name, taskId: submitted.sub.taskId });
      deps.emit({
        type: "warning",
        name: asset.name,
        message: `task ${submitted.sub.taskId} could not be recorded (${records.error}); collecting it now; no further submits`,
      });
    }
    const possibleDuplicate = [resent, submitted.possibleDuplicate].filter(Boolean).join("; ") || undefined;
    return { ...submitted, possibleDuplicate, answeredAt };
  } catch (err) {
    // Only a proven refusal (an HTTP "no", or never sent) created no task: drop the intent and
    // the reservation. Anything else may have created one: the intent stays.
    if (err instanceof SubmitError && err.refused && !err.possibleDuplicate) {
      deps.submitRejected?.(asset);
      deps.journal.remove(asset.hash);
    } else if (err instanceof SubmitError && err.excerpt) {
      // An answer that could not be read: kept with the intent, and never sent again unasked.
      records.write({ ...pending, taskId: "", answer: err.excerpt });
    }
    throw err;
  } finally {
    deps.firstSubmit?.open();
  }
}

/** Polls until the task ends; `started` is when the submit answered (the task's clock started just before). */
async function pollUntilDone(
  task: TaskHandle,
  req: ImageRequest,
  asset: ResolvedAsset,
  deps: RunDeps,
  started = Date.now(),
): Promise<TaskStatus> {
  let wait = Math.max(deps.poll.minMs, deps.poll.first() - (Date.now() - started));
  let lastPending = 0;
  for (;;) {
    await abortableSleep(wait, deps.signal);
    // The progress the answer reports was measured when the request arrived, not when we read it.
    const askedAt = Date.now() - started;
    const status = await deps.provider.status(task, req, { signal: deps.signal, onRetry: retryEvents(asset, "status", deps) });
    const elapsed = Date.now() - started;
    if (status.state !== "pending") {
      deps.poll.observe(lastPending, elapsed);
      return status;
    }
    lastPending = elapsed;
    deps.emit({ type: "progress", name: asset.name, progress: status.progress });
    if (elapsed > deps.poll.schedule.deadlineMs) {
      throw new Error(
        `task ${task.taskId} still running after ${Math.round(deps.poll.schedule.deadlineMs / 1000)} s; its id is recorded and the next build will collect it`,
      );
    }
    const next = deps.poll.next(askedAt, wait, status.progress) - (elapsed - askedAt);
    wait = Math.min(Math.max(deps.poll.minMs, next), Math.max(deps.poll.minMs, deps.poll.schedule.deadlineMs - elapsed + 1));
  }
}

async function finish(asset: ResolvedAsset, task: TaskHandle, status: TaskStatus, req: ImageRequest, deps: RunDeps): Promise<AssetOutcome> {
  if (status.state === "blocked") {
    deps.journal.remove(asset.hash);
    return { status: "blocked", reason: status.message ? `${status.reason}: ${status.message}` : status.reason, taskId: task.taskId };
  }
  if (status.state === "failed") {
    deps.journal.remove(asset.hash);
    return { status: "failed", error: status.message, taskId: task.taskId };
  }
  if (status.state !== "succeeded") throw new Error(`unexpected task state ${status.state}`);
  if (status.images.length > 1)
    deps.emit({ type: "warning", name: asset.name, message: `the provider returned ${status.images.length} images; keeping the first` });
  const dest = path.join(deps.root, asset.output);
  let facts: ImageFacts | undefined;
  let image = status.images[0];
  const hooks = { onRetry: retryEvents(asset, "download", deps) };
  for (let attempt = 1; ; attempt++) {
    try {
      facts = await saveImage(image, dest, asset.spec.format, deps.http, deps.signal, hooks);
      break;
    } catch (err) {
      const expired = err instanceof HttpError && err.info.code === "url_expired";
      const again = (err instanceof BadImageError || expired) && attempt < DOWNLOAD_ATTEMPTS && !deps.signal?.aborted;
      if (!again) throw err;
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
  if (facts.convertedFrom && !status.images[0].formatChosenByModel)
    deps.emit({
      type: "warning",
      name: asset.name,
      message: `the provider sent ${facts.convertedFrom}; converted to ${asset.spec.format}`,
    });
  const cost = status.cost ?? deps.provider.cost(req);
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

/** HTTP-layer retries as build events, so the CLI can say why an asset is slow. */
function retryEvents(asset: ResolvedAsset, what: string, deps: RunDeps) {
  return (err: unknown, attempt: number, delayMs: number) =>
    deps.emit({ type: "retry", name: asset.name, what, attempt: attempt + 1, delayMs, error: message(err) });
}

export function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
