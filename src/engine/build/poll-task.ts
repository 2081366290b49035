import type { RunDeps } from "./run-types.js";
import { retryEvents } from "./run-helpers.js";
import { abortableSleep } from "../transport/retry.js";
import type { ResolvedAsset } from "../../core/project.js";
import type { ImageRequest, TaskHandle, TaskStatus } from "../providers/types.js";

/* Polling one task until it ends. */
/** Status answers in a row with a value no adapter knows before the asset fails (its task id stays recorded). */
export const UNKNOWN_STATUS_POLLS = 5;

/** Polls until the task ends; `started` is when the submit answered (the task's clock started just before). */
export async function pollUntilDone(
  task: TaskHandle,
  req: ImageRequest,
  asset: ResolvedAsset,
  deps: RunDeps,
  started = Date.now(),
): Promise<TaskStatus> {
  let wait = Math.max(deps.poll.minMs, deps.poll.first() - (Date.now() - started));
  let lastPending = 0;
  let unknownInARow = 0;
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
    unknownInARow = status.unknown === undefined ? 0 : unknownInARow + 1;
    if (unknownInARow >= UNKNOWN_STATUS_POLLS) {
      throw new Error(
        `task ${task.taskId} answered status ${JSON.stringify(status.unknown)}, which nanobanana does not know, ${UNKNOWN_STATUS_POLLS} times in a row; its id is recorded, so the next build asks again and nothing is paid twice (\`nanobanana tasks forget ${task.taskId}\` gives it up)`,
      );
    }
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
