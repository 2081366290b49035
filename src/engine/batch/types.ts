import type { LockEntry } from "../../core/lock/types.js";

/** What became of one asset's request in a batch job. */
export type BatchOutcome =
  /** Collected: the image is in the store under the spec hash, `entry` says what it cost. */
  | { status: "generated"; entry: LockEntry }
  | { status: "failed"; error: string; taskId?: string }
  | { status: "blocked"; reason: string; taskId: string }
  /** Collected, paid, and failed the quality gates: kept in the store's rejected area; `entry` is what the lock would have said. */
  | { status: "rejected"; reason: string; taskId: string; entry: LockEntry }
  /** Not sent (budget, interrupted), or sent and left running (`taskId` = the job). */
  | { status: "skipped"; reason: string; taskId?: string };

/** A batch job as the build and `status` report it. */
export interface BatchJobReport {
  displayName: string;
  /** `batches/…`; undefined while only the intent is recorded. */
  jobName?: string;
  modelId: string;
  state: string;
  requests: number;
  succeeded: number;
  failed: number;
  pending: number;
}
