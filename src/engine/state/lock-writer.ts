import { lockText } from "../../core/lock/serialize.js";
import type { LockEntry, Lockfile } from "../../core/lock/types.js";
import { writeFileAtomic } from "./atomic-write.js";

/** A lock write may take at most this share of the time: the pause after one is this many times its length. */
const PAUSE_PER_WRITE = 10;

/**
 * Applies entries to the in-memory lock and writes it atomically, at most every `intervalMs`
 * (a 10,000-asset lock is megabytes), or less often when a write takes long: after a write of
 * T ms the next waits at least 10·T, so a big lock is not rewritten back to back (each write
 * serializes the whole lock; at 10,000 entries that took a second on a loaded machine, and its
 * garbage grew the heap of a batch collection). `flush()` writes whatever is pending now.
 * Callbacks passed with an entry run after the write that made it durable.
 */
export class LockWriter {
  private dirty = false;
  private timer?: NodeJS.Timeout;
  private last = 0;
  /** How long the next write waits after the last one. */
  private pauseMs: number;
  private afterWrite: (() => void)[] = [];

  constructor(
    private readonly file: string,
    readonly lock: Lockfile,
    private readonly intervalMs = 250,
  ) {
    this.pauseMs = intervalMs;
  }

  set(name: string, entry: LockEntry, onDurable?: () => void): void {
    this.lock.assets[name] = entry;
    if (onDurable) this.afterWrite.push(onDurable);
    this.dirty = true;
    const wait = this.last + this.pauseMs - Date.now();
    if (wait <= 0) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), wait);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.dirty) return;
    const start = Date.now();
    writeFileAtomic(this.file, lockText(this.lock));
    this.dirty = false;
    this.last = Date.now();
    this.pauseMs = Math.max(this.intervalMs, (this.last - start) * PAUSE_PER_WRITE);
    const callbacks = this.afterWrite;
    this.afterWrite = [];
    for (const cb of callbacks) cb();
  }
}
