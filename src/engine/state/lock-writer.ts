import { entryBlock, lockText } from "../../core/lock/serialize.js";
import type { LockEntry, Lockfile } from "../../core/lock/types.js";
import { writeFileAtomic, writeFileAtomicAsync } from "./atomic-write.js";

/** A lock write may take at most this share of the time: the pause after one is this many times its length. */
const PAUSE_PER_WRITE = 10;

/**
 * Applies entries to the in-memory lock and writes it atomically, at most every `intervalMs`
 * (a 10,000-asset lock is megabytes), or less often when a write takes long: after a write of
 * T ms the next waits at least 10·T, so a big lock is not rewritten back to back (each write
 * serializes the whole lock; at 10,000 entries that took a second on a loaded machine, and its
 * garbage grew the heap of a batch collection).
 *
 * The file work (open, writes, fsync, rename) runs on the thread pool, one write at a time, so
 * that the requests in flight are served meanwhile. Callbacks passed with an entry run after
 * the write that made it durable (fsynced and renamed into place). A failed write runs none of
 * its callbacks (their tasks stay journalled) and is thrown by the next `flush()`.
 */
export class LockWriter {
  private dirty = false;
  private timer?: NodeJS.Timeout;
  private last = 0;
  /** How long the next write waits after the last one. */
  private pauseMs: number;
  private afterWrite: (() => void)[] = [];
  /** The write in flight (at most one). */
  private writing?: Promise<void>;
  /** The first write that failed: thrown by every later flush(). */
  private failed?: unknown;
  /**
   * Each entry's text, made at its first write: a lock is rewritten every few hundred ms
   * during a build, and all but the entries set since the last write serialize the same
   * (the last write of a 200-image build took 2-3 ms to serialize, now a join).
   */
  private readonly blocks = new WeakMap<LockEntry, string>();
  private readonly blockOf = (entry: LockEntry): string => {
    let block = this.blocks.get(entry);
    if (block === undefined) {
      block = entryBlock(entry);
      this.blocks.set(entry, block);
    }
    return block;
  };

  constructor(
    private readonly file: string,
    readonly lock: Lockfile,
    private readonly intervalMs = 250,
  ) {
    this.pauseMs = intervalMs;
  }

  /** Records `entry` for `name`. An entry is never changed once set: a change is a new object. */
  set(name: string, entry: LockEntry, onDurable?: () => void): void {
    this.lock.assets[name] = entry;
    if (onDurable) this.afterWrite.push(onDurable);
    this.dirty = true;
    // A write in flight schedules the next one when it ends.
    if (!this.writing) this.schedule();
  }

  /** Writes whatever is pending now (after the write in flight, if any); rejects when a write failed. */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.writing) await this.writing;
    if (this.dirty && this.failed === undefined) {
      this.writing = this.write();
      await this.writing;
    }
    if (this.failed !== undefined) throw this.failed;
  }

  /**
   * The last flush of a build's collection: after the write in flight, whatever is pending is
   * written synchronously. By then the event loop has nothing else to serve, while the thread
   * pool may still be busy with the last images' checks and store copies, behind which each
   * step of an asynchronous write (open, write, fsync, close, rename) would queue: 10-17 ms at
   * the end of a 200-image build, against ~2 ms here.
   */
  async flushNow(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.writing) await this.writing;
    if (this.dirty && this.failed === undefined) {
      const { snapshot, callbacks } = this.take();
      try {
        writeFileAtomic(this.file, lockText(snapshot, this.blockOf));
      } catch (err) {
        this.failed ??= err;
      }
      if (this.failed === undefined) for (const cb of callbacks) cb();
    }
    if (this.failed !== undefined) throw this.failed;
  }

  /** The entries as they are now, and the callbacks they make durable; later sets go into the next write. */
  private take(): { snapshot: Lockfile; callbacks: (() => void)[] } {
    const snapshot: Lockfile = { ...this.lock, assets: { ...this.lock.assets } };
    const callbacks = this.afterWrite;
    this.afterWrite = [];
    this.dirty = false;
    return { snapshot, callbacks };
  }

  private schedule(): void {
    const wait = this.last + this.pauseMs - Date.now();
    // A failure is kept in `failed` and thrown by the build's last flush.
    const flush = () => void this.flush().catch(() => {});
    if (wait <= 0) flush();
    else this.timer ??= setTimeout(flush, wait);
  }

  private async write(): Promise<void> {
    const start = Date.now();
    const { snapshot, callbacks } = this.take();
    try {
      await writeFileAtomicAsync(this.file, lockText(snapshot, this.blockOf));
    } catch (err) {
      this.failed ??= err;
      return;
    } finally {
      this.writing = undefined;
    }
    this.last = Date.now();
    this.pauseMs = Math.max(this.intervalMs, (this.last - start) * PAUSE_PER_WRITE);
    for (const cb of callbacks) cb();
    if (this.dirty) this.schedule();
  }
}
