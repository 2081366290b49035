import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { unlink } from "node:fs/promises";
import path from "node:path";
import { unlinkIfThere } from "../fs/unlink-if-there.js";
import { PendingTaskSchema, SpecHashSchema } from "../../core/state-schemas.js";
import { writeFileAtomic } from "./atomic-write.js";
import { IntentLog, intentLogsIn, readIntentLogs } from "./intent-log.js";
import type { PendingTask } from "./pending-task.js";
import { readRecords, type RejectedFile } from "./record-folder.js";

export type { PendingTask } from "./pending-task.js";

/**
 * Durable record of submitted tasks, one small file per spec hash in `.nanobanana/tasks/`.
 * Written the moment a submit answers, before the first status check, so a crashed or
 * interrupted build's tasks are collected by the next build instead of paid again. An entry
 * is removed only after the lock write that made its image durable, or when the task failed
 * or was blocked. A task that finished paid with no image stays, marked `empty`, until
 * `nanobanana tasks forget`. The intents before each submit go to one append-only log per
 * build (see IntentLog); an entry's own file, once written, wins over its intent.
 */
export class TaskJournal {
  private readonly dir: string;
  /** This build's intent log, made with its first intent. */
  private log: IntentLog | undefined;
  /** Hashes that have a file of their own (loaded, or recorded by this process). */
  private readonly files = new Set<string>();

  constructor(stateDir: string) {
    this.dir = path.join(stateDir, "tasks");
  }

  /** Records a submitted task; visible to the next build the moment this returns (see writeFileAtomic). */
  record(task: PendingTask): void {
    writeFileAtomic(this.file(task.hash), JSON.stringify(task), { flush: "background" });
    this.files.add(task.hash);
  }

  /**
   * Records the intent of a task that has no entry yet (before its submit): one line appended
   * to this build's intent log, readable by the next process the moment this returns.
   */
  recordNew(task: PendingTask): void {
    // A file of its own would win over the line (an entry this build did not resume: another
    // provider's, or a simulated one): replaced atomically instead, as `record` does.
    if (this.files.has(task.hash) || existsSync(this.file(task.hash))) return this.record(task);
    this.log ??= new IntentLog(this.dir);
    this.log.append(task);
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
    const intents = readIntentLogs(this.dir);
    this.rejected = [...rejected, ...intents.rejected];
    for (const t of records) this.files.add(t.hash);
    for (const t of records) intents.tasks.set(t.hash, t);
    return intents.tasks;
  }

  /**
   * Folds the intent logs of earlier builds (a build that was killed, or whose submits never
   * answered) into files of their own, then removes each log. Only under the project lock:
   * the log of a running build is not to be touched. Lines that are not intents stay in the
   * log, alone, for the user to look at (see `rejected`).
   */
  foldIntentLogs(): void {
    for (const log of intentLogsIn(this.dir)) {
      if (log === this.log?.file) continue;
      const one = readIntentLogs(this.dir, [log]);
      for (const t of one.tasks.values()) {
        // An entry of its own that reads whole wins; a torn one (a power cut) does not.
        if (this.entry(t.hash)) continue;
        // Flushed before the log goes: a power cut in between must leave one or the other.
        writeFileAtomic(this.file(t.hash), JSON.stringify(t));
        this.files.add(t.hash);
      }
      if (one.badLines.length) writeFileAtomic(log, `${one.badLines.join("\n")}\n`);
      else unlinkIfThere(log);
    }
  }

  /** The entry in the file of `hash`, when it reads whole and valid. */
  private entry(hash: string): PendingTask | undefined {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(this.file(hash), "utf8"));
    } catch {
      return undefined;
    }
    const t = PendingTaskSchema.safeParse(raw);
    return t.success && t.data.hash === hash ? (t.data as PendingTask) : undefined;
  }

  /** Merges `patch` (or what it makes of the entry) into the entry of `hash`, if there is one; false when there is none. */
  update(hash: string, patch: Partial<Omit<PendingTask, "hash">> | ((t: PendingTask) => Partial<Omit<PendingTask, "hash">>)): boolean {
    const task = this.entry(hash);
    if (!task) return false;
    this.record({ ...task, ...(typeof patch === "function" ? patch(task) : patch) });
    return true;
  }

  remove(hash: string): void {
    unlinkIfThere(this.file(hash));
    this.files.delete(hash);
    this.log?.settle(hash);
  }

  private readonly removing = new Set<Promise<void>>();

  /**
   * `remove` off the event loop, for the clean-up after the lock write that made an image
   * durable: an entry left behind by a crash meanwhile is removed by the next build (see
   * sortPending), so nothing waits for this. A failure is left to that build too, which
   * removes synchronously and reports what it cannot. `settled()` waits for these.
   */
  removeLater(hash: string): void {
    // An intent in this build's log with no file of its own (Gemini's: its answer was the
    // image) takes a tombstone line and no file system call.
    const logged = this.log?.has(hash) ?? false;
    this.log?.settle(hash, false);
    if (logged && !this.files.has(hash)) return;
    this.files.delete(hash);
    const work = unlink(this.file(hash)).catch(() => {});
    this.removing.add(work);
    void work.finally(() => this.removing.delete(work));
  }

  /** Waits for every `removeLater` started so far. */
  async settled(): Promise<void> {
    while (this.removing.size) await Promise.all([...this.removing]);
  }

  /** The end of a build: waits for the clean-up, then closes (or, nothing live, removes) the intent log. */
  async close(): Promise<void> {
    await this.settled();
    await this.log?.close((hash) => this.files.has(hash));
    this.log = undefined;
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
