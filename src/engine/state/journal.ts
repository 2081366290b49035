import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { unlink } from "node:fs/promises";
import path from "node:path";
import { unlinkIfThere } from "../fs/unlink-if-there.js";
import type { AssetSpec } from "../../core/project.js";
import { PendingTaskSchema, SpecHashSchema } from "../../core/state-schemas.js";
import { createFileDurably, writeFileAtomic } from "./atomic-write.js";
import { readRecords, type RejectedFile } from "./record-folder.js";

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

/**
 * Durable record of submitted tasks, one small file per spec hash in `.nanobanana/tasks/`.
 * Written the moment a submit answers, before the first status check, so a crashed or
 * interrupted build's tasks are collected by the next build instead of paid again. An entry
 * is removed only after the lock write that made its image durable, or when the task failed
 * or was blocked. A task that finished paid with no image stays, marked `empty`, until
 * `nanobanana tasks forget`.
 */
export class TaskJournal {
  private readonly dir: string;

  constructor(stateDir: string) {
    this.dir = path.join(stateDir, "tasks");
  }

  /** Records a submitted task; visible to the next build the moment this returns (see writeFileAtomic). */
  record(task: PendingTask): void {
    writeFileAtomic(this.file(task.hash), JSON.stringify(task), { flush: "background" });
  }

  /**
   * Records a task that has no entry yet (the intent before a submit): created in place, two
   * system calls on the event loop instead of five (see createFileDurably); an entry that is
   * already there is replaced atomically as by `record`.
   */
  recordNew(task: PendingTask): void {
    if (!createFileDurably(this.file(task.hash), JSON.stringify(task))) this.record(task);
  }

  /** Journal files that failed validation at the last load(), with why: never used, never deleted. */
  rejected: RejectedFile[] = [];

  /**
   * Every pending task, by spec hash. Each file is checked against its schema and must be
   * named after its own hash: a crafted `"hash": "../../victim"` is refused (listed in
   * `rejected`), so no path is ever built from it. Torn temp files are skipped.
   */
  load(): Map<string, PendingTask> {
    const { records, rejected } = readRecords<PendingTask>(this.dir, PendingTaskSchema, "hash");
    this.rejected = rejected;
    return new Map(records.map((t) => [t.hash, t]));
  }

  /** Merges `patch` (or what it makes of the entry) into the entry of `hash`, if there is one; false when there is none. */
  update(hash: string, patch: Partial<Omit<PendingTask, "hash">> | ((t: PendingTask) => Partial<Omit<PendingTask, "hash">>)): boolean {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(this.file(hash), "utf8"));
    } catch {
      return false;
    }
    const t = PendingTaskSchema.safeParse(raw);
    if (!t.success || t.data.hash !== hash) return false;
    const task = t.data as PendingTask;
    this.record({ ...task, ...(typeof patch === "function" ? patch(task) : patch) });
    return true;
  }

  remove(hash: string): void {
    unlinkIfThere(this.file(hash));
  }

  private readonly removing = new Set<Promise<void>>();

  /**
   * `remove` off the event loop, for the clean-up after the lock write that made an image
   * durable: an entry left behind by a crash meanwhile is removed by the next build (see
   * sortPending), so nothing waits for this. A failure is left to that build too, which
   * removes synchronously and reports what it cannot. `settled()` waits for these.
   */
  removeLater(hash: string): void {
    const work = unlink(this.file(hash)).catch(() => {});
    this.removing.add(work);
    void work.finally(() => this.removing.delete(work));
  }

  /** Waits for every `removeLater` started so far. */
  async settled(): Promise<void> {
    while (this.removing.size) await Promise.all([...this.removing]);
  }

  ensure(): void {
    mkdirSync(this.dir, { recursive: true });
    // Local state, never to be committed, whatever the project's own .gitignore says.
    const ignore = path.join(path.dirname(this.dir), ".gitignore");
    if (!existsSync(ignore)) writeFileSync(ignore, "# nanobanana's local state (task journal, image store): not for git\n*\n");
  }

  private file(hash: string): string {
    // The file name comes from a spec hash: hex only, or it could name a path outside.
    SpecHashSchema.parse(hash);
    return path.join(this.dir, `${hash}.json`);
  }
}
