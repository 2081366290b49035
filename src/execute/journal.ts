import { mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { writeFileAtomic, writeFileAtomicAsync } from "../util/atomic-write.js";

/** A task that was submitted (and so may be paid for) but whose image is not yet in the lock. */
export interface PendingTask {
  hash: string;
  name: string;
  provider: string;
  taskId: string;
  handle?: string;
  submittedAt: string;
  simulated: boolean;
}

/**
 * Durable record of submitted tasks, one small file per spec hash in `.nanobanana/tasks/`.
 * Written and fsynced the moment a submit answers, before the first status check, so a
 * crashed or interrupted build's tasks are collected by the next build instead of paid again.
 */
export class TaskJournal {
  private readonly dir: string;

  constructor(stateDir: string) {
    this.dir = path.join(stateDir, "tasks");
  }

  record(task: PendingTask): void {
    writeFileAtomic(this.file(task.hash), JSON.stringify(task));
  }

  /** `record`, durable when the promise resolves, without blocking other assets meanwhile. */
  recordDurably(task: PendingTask): Promise<void> {
    return writeFileAtomicAsync(this.file(task.hash), JSON.stringify(task));
  }

  /** Every pending task, by spec hash. Unreadable files are skipped, never fatal. */
  load(): Map<string, PendingTask> {
    const out = new Map<string, PendingTask>();
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return out;
    }
    for (const n of names) {
      if (!n.endsWith(".json")) continue;
      try {
        const t = JSON.parse(readFileSync(path.join(this.dir, n), "utf8")) as PendingTask;
        if (t.hash && t.taskId) out.set(t.hash, t);
      } catch {
        // a torn temp file from a crash: ignore
      }
    }
    return out;
  }

  remove(hash: string): void {
    rmSync(this.file(hash), { force: true });
  }

  ensure(): void {
    mkdirSync(this.dir, { recursive: true });
  }

  private file(hash: string): string {
    return path.join(this.dir, `${hash}.json`);
  }
}
