import { HttpError } from "../transport/errors.js";
import type { ResolvedAsset } from "../../core/project.js";
import type { TaskHandle, TaskStatus } from "../providers/types.js";
import type { PendingTask } from "../state/journal.js";
import { SubmitError } from "./submit.js";

export type { PollSchedule } from "./poll-plan.js";
export type { AssetOutcome, RunDeps } from "./run-types.js";
export { requestFor } from "./run-types.js";
export { message } from "./run-helpers.js";
import type { AssetOutcome, RunDeps } from "./run-types.js";
import { requestFor } from "./run-types.js";
import { submitAsset } from "./submit-asset.js";
import { pollUntilDone } from "./poll-task.js";
import { finish } from "./collect-image.js";
import { message, nextRequestFirst, paidEmptyMessage } from "./run-helpers.js";
import { ProviderPlace } from "./provider-place.js";

/**
 * Generates one asset: submit (or resume a journalled task), record the task id durably,
 * poll until it ends, then download and check the image. Never throws for provider
 * outcomes: a failure or block is returned as data so the other assets go on.
 */
export async function runAsset(asset: ResolvedAsset, resume: PendingTask | undefined, deps: RunDeps): Promise<AssetOutcome> {
  // Finished paid and empty in an earlier build: nothing to poll, nothing to submit until forgotten.
  if (resume?.empty && resume.taskId) return { status: "failed", error: paidEmptyMessage(resume.taskId), taskId: resume.taskId };
  const req = requestFor(asset);
  let task: TaskHandle | undefined;
  let possibleDuplicate: string | undefined;
  const place = new ProviderPlace(deps.gate, deps.signal);
  try {
    await place.take();
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
      const submitted = await submitAsset(asset, req, resume, deps, place);
      if ("skipped" in submitted) return { status: "skipped", reason: submitted.skipped };
      const { sub, answeredAt } = submitted;
      possibleDuplicate = submitted.possibleDuplicate;
      task = { taskId: sub.taskId, handle: sub.handle };
      deps.emit({ type: "submitted", name: asset.name, taskId: sub.taskId, resumed: false });
      status = sub.status && sub.status.state !== "pending" ? sub.status : await pollUntilDone(task, req, asset, deps, answeredAt);
    }
    if (place.free()) await nextRequestFirst();
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
    place.free();
  }
}
