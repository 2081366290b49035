import type { PendingTask, TaskJournal } from "../state/journal.js";

/** A task the provider accepted whose id could not be written down. */
export interface UnrecordedTask {
  name: string;
  provider: string;
  taskId: string;
}

/**
 * Watches the task journal's writes. A build that cannot record must not spend: after the
 * first failed write (a full disk) no new submit is sent, tasks already in flight are still
 * collected, and every task id that could not be written is kept for the report.
 */
export class RecordKeeper {
  /** Why the journal cannot be written; set by the first failure. */
  error?: string;
  readonly unrecorded: UnrecordedTask[] = [];

  constructor(private readonly journal: TaskJournal) {}

  /** Writes `task` (`fresh`: it has no entry yet); false (and submits stop) when the write failed. */
  write(task: PendingTask, fresh = false): boolean {
    try {
      if (fresh) this.journal.recordNew(task);
      else this.journal.record(task);
      return true;
    } catch (err) {
      this.error ??= (err as Error).message;
      return false;
    }
  }

  /** Why no submit may be sent now, or undefined. */
  get refusal(): string | undefined {
    return this.error && `not submitted: the task journal cannot be written (${this.error}); a build that cannot record must not spend`;
  }
}
