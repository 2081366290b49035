import type { RunDeps } from "./run-types.js";
import { retryEvents } from "./run-helpers.js";
import type { ResolvedAsset } from "../../core/project.js";
import type { ImageRequest, Submission } from "../providers/types.js";
import type { PendingTask } from "../state/journal.js";
import { RecordKeeper } from "./record-keeper.js";
import { submitPaid, SubmitError } from "./submit.js";
import { warmImageCodec } from "./image-file.js";
import type { ProviderPlace } from "./provider-place.js";

/* The paid submit of one asset. */
/**
 * The paid submit. References are delivered and the budget reserved first; the intent (spec
 * hash + idempotency key) is journalled before the request leaves and the task id the moment
 * the answer arrives, so a crash at any instant leaves a record. Unknown outcomes are sent
 * again with the same key and reported as possible duplicates (see submitPaid).
 */
export async function submitAsset(
  asset: ResolvedAsset,
  req: ImageRequest,
  resume: PendingTask | undefined,
  deps: RunDeps,
  place?: ProviderPlace,
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
  if (!records.write({ ...pending, taskId: "" }, !resume)) {
    deps.submitRejected?.(asset);
    deps.firstSubmit?.open();
    return { skipped: records.refusal! };
  }
  try {
    // No abort signal on the submit itself: once sent it may be accepted (and paid), so its
    // answer is always awaited and its task id recorded. Ctrl-C stops the polling instead.
    // After the first burst, not the gated first submit alone: the codec's load would hold up
    // the recording of its answer, and with it every other submit.
    if (!deps.firstSubmit || deps.firstSubmit.isOpen) warmImageCodec();
    const submitted = await submitPaid(deps.provider, req, {
      idempotencyKey: key,
      onRetry: retryEvents(asset, "submit", deps),
      name: asset.name,
      resubmit: deps.resubmitUnknown ?? true,
      emit: deps.emit,
      place,
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
