import type { AssetSpec } from "../../core/project.js";

/**
 * A task that was submitted (and so may be paid for) but whose image is not yet in the lock.
 * Before each submit an intent (no task id, an idempotency key) is recorded; the answer
 * replaces it with the task id. An intent found by a later build is a submit whose answer
 * never arrived: it is sent again with the same key.
 */
export interface PendingTask {
  hash: string;
  name: string;
  provider: string;
  /** The provider's task id; "" for an intent recorded just before the submit was sent. */
  taskId: string;
  /** The submit's idempotency key: a resubmit after a crash reuses it. */
  key?: string;
  handle?: string;
  /** The start of a submit answer that could not be read: a paid task may exist; not sent again unasked. */
  answer?: string;
  submittedAt: string;
  simulated: boolean;
  /** The asset's output path and spec, so a task whose asset changed meanwhile can still be collected (into the store). */
  output?: string;
  spec?: AssetSpec;
  /** The task finished (and is paid) with no image file: not polled or submitted again until `tasks forget`. */
  empty?: boolean;
  /** Builds whose download of the finished task's image failed, in a row, and the last error (scrubbed). */
  collectFailures?: number;
  lastError?: string;
}
