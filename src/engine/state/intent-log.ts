import { closeSync, fdatasync, ftruncateSync, mkdirSync, openSync, readFileSync, writeSync } from "node:fs";
import path from "node:path";
import { firstProblem, PendingTaskSchema, SpecHashSchema } from "../../core/state-schemas.js";
import { namesIn } from "../fs/names-in.js";
import { unlinkIfThere } from "../fs/unlink-if-there.js";
import { writeAll } from "./atomic-write.js";
import type { PendingTask } from "./pending-task.js";
import type { RejectedFile } from "./record-folder.js";

const LOG = /^intents-\d+-\d+\.log$/;

/**
 * One build's submit intents, one JSON line each, appended to a single file in the journal's
 * folder (`intents-<time>-<pid>.log`). Creating a file per intent cost an inode allocation and
 * an fsync per submit (about 1 ms of the filesystem's time each, on the hot path of every
 * image); an append to an open file costs a write. Flushes are coalesced: one fdatasync in
 * flight, covering every line written before it started.
 *
 * A line is whole once `append` returns (a write to a regular file is not cut by a signal),
 * so a SIGKILL leaves every intent readable; a write the disk could not take is cut back off,
 * so a full disk leaves no partial line. A settled intent gets a tombstone line
 * (`{"hash", "settled": true}`); the file goes away at `close` when nothing in it is live (or
 * has a file of its own), and otherwise stays for the next build, which folds it into
 * per-task files (see TaskJournal.foldIntentLogs).
 */
export class IntentLog {
  private fd: number | undefined;
  private size = 0;
  private readonly live = new Set<string>();
  private flushing: Promise<void> | undefined;
  private unflushed = false;
  readonly file: string;

  constructor(dir: string, now = Date.now()) {
    this.file = path.join(dir, `intents-${now}-${process.pid}.log`);
  }

  /** Appends `task`'s intent; throws (and the file holds no part of it) when it cannot be written. */
  append(task: PendingTask): void {
    this.write(`${JSON.stringify(task)}\n`);
    this.live.add(task.hash);
  }

  /** True when this log holds a live intent for `hash`. */
  has(hash: string): boolean {
    return this.live.has(hash);
  }

  /**
   * Marks the intent of `hash` settled (its image is durable, or no task was created). With
   * `durable: false` (the lock that records the image is already on disk) the line is written
   * but asks for no fdatasync: lost in a power cut, the next build finds the image in the lock
   * and drops the intent; after a SIGKILL it is on disk like any write.
   */
  settle(hash: string, durable = true): void {
    if (!this.live.delete(hash)) return;
    try {
      this.write(`${JSON.stringify({ hash, settled: true })}\n`, durable);
    } catch {
      // A lost tombstone is harmless: the next build finds the image in the lock and drops the intent.
    }
  }

  /**
   * Waits for the flushes, then removes the file when none of its intents is live but for
   * those `recorded` elsewhere (a file of their own, which wins), or closes it for the next build.
   */
  async close(recorded: (hash: string) => boolean = () => false): Promise<void> {
    if (this.fd === undefined) return;
    while (this.flushing) await this.flushing;
    const fd = this.fd;
    this.fd = undefined;
    if ([...this.live].every(recorded)) {
      closeSync(fd);
      unlinkIfThere(this.file);
      return;
    }
    await new Promise<void>((resolve) => fdatasync(fd, () => resolve()));
    closeSync(fd);
  }

  private write(line: string, durable = true): void {
    // Created with the first intent: a build that submits nothing leaves no file.
    if (this.fd === undefined) {
      mkdirSync(path.dirname(this.file), { recursive: true });
      this.fd = openSync(this.file, "wx");
    }
    const data = Buffer.from(line);
    try {
      writeAll(this.fd, data, (fd, buf, off, len) => writeSync(fd, buf, off, len, this.size + off));
    } catch (err) {
      try {
        ftruncateSync(this.fd, this.size);
      } catch {
        // Torn tail left: the reader skips a line that does not parse.
      }
      throw err;
    }
    this.size += data.length;
    if (durable) this.flushSoon();
  }

  private flushSoon(): void {
    this.unflushed = true;
    if (this.flushing || this.fd === undefined) return;
    const fd = this.fd;
    this.unflushed = false;
    this.flushing = new Promise<void>((resolve) => fdatasync(fd, () => resolve())).then(() => {
      this.flushing = undefined;
      if (this.unflushed) this.flushSoon();
    });
  }
}

/** The live intents of every intent log in `dir` (or of `logs`), in the order written; lines that are not intents are listed as rejected, and kept in `badLines`. */
export function readIntentLogs(
  dir: string,
  logs = intentLogsIn(dir),
): { tasks: Map<string, PendingTask>; rejected: RejectedFile[]; badLines: string[] } {
  const tasks = new Map<string, PendingTask>();
  const rejected: RejectedFile[] = [];
  const badLines: string[] = [];
  for (const file of logs) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch {
      continue; // removed meanwhile by the build that folded it
    }
    const lines = text.split("\n");
    lines.forEach((line, i) => {
      if (!line) return;
      let raw: unknown;
      try {
        raw = JSON.parse(line);
      } catch {
        // A last line with no newline is a tail torn by a power cut: its write never returned,
        // so its submit was never sent.
        if (i < lines.length - 1) {
          rejected.push({ file, problem: `line ${i + 1} is not JSON` });
          badLines.push(line);
        }
        return;
      }
      const settled = raw as { hash?: unknown; settled?: unknown };
      if (settled.settled === true && SpecHashSchema.safeParse(settled.hash).success) {
        tasks.delete(settled.hash as string);
        return;
      }
      const r = PendingTaskSchema.safeParse(raw);
      if (r.success) tasks.set(r.data.hash, r.data as PendingTask);
      else {
        rejected.push({ file, problem: `line ${i + 1}: ${firstProblem(r.error)}` });
        badLines.push(line);
      }
    });
  }
  return { tasks, rejected, badLines };
}

/** The intent logs in `dir`, oldest first. */
export function intentLogsIn(dir: string): string[] {
  return namesIn(dir)
    .filter((n) => LOG.test(n))
    .sort(byTime)
    .map((n) => path.join(dir, n));
}

/** Logs sort by the time in their name (as a number), so that a later build's lines come after. */
function byTime(a: string, b: string): number {
  return Number(a.split("-")[1]) - Number(b.split("-")[1]) || (a < b ? -1 : a > b ? 1 : 0);
}
