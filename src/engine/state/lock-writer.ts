import { serializeLock } from "../../core/lock/serialize.js";
import type { LockEntry, Lockfile } from "../../core/lock/types.js";
import { writeFileAtomic } from "./atomic-write.js";

/**
 * Applies entries to the in-memory lock and writes it atomically, at most every `intervalMs`
 * (a 10,000-asset lock is megabytes); `flush()` writes whatever is pending now. Callbacks
 * passed with an entry run after the write that made it durable.
 */
export class LockWriter {
  private dirty = false;
  private timer?: NodeJS.Timeout;
  private last = 0;
  private afterWrite: (() => void)[] = [];

  constructor(
    private readonly file: string,
    readonly lock: Lockfile,
    private readonly intervalMs = 250,
  ) {}

  set(name: string, entry: LockEntry, onDurable?: () => void): void {
    this.lock.assets[name] = entry;
    if (onDurable) this.afterWrite.push(onDurable);
    this.dirty = true;
    const wait = this.last + this.intervalMs - Date.now();
    if (wait <= 0) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), wait);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.dirty) return;
    writeFileAtomic(this.file, serializeLock(this.lock));
    this.dirty = false;
    this.last = Date.now();
    const callbacks = this.afterWrite;
    this.afterWrite = [];
    for (const cb of callbacks) cb();
  }
}
