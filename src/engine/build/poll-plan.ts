/** Polling: first check after `initialMs`, then each wait 1.25× longer up to `maxMs`; give up after `deadlineMs`. */
export interface PollSchedule {
  initialMs: number;
  maxMs: number;
  deadlineMs: number;
  /** Shortest wait between two polls of one task (default: initialMs / 4, at least 20 ms). */
  minMs?: number;
}

/**
 * When to poll next, so that a poll lands just after the task finishes instead of a growing
 * interval overshooting it. In order of preference:
 * 1. the provider's progress (APIDot `progress` 0-100): remaining ≈ elapsed × (100 − p) / p;
 * 2. how long this build's tasks have taken so far (median of recent tasks);
 * 3. a growing interval (×1.25) from `initialMs` to `maxMs`.
 * A progress-based wait may exceed `maxMs` but never the time already waited, so a bad
 * estimate costs at most a doubling.
 */
export class PollPlanner {
  private readonly durations: number[] = [];

  constructor(readonly schedule: PollSchedule) {}

  get minMs(): number {
    return this.schedule.minMs ?? Math.max(20, this.schedule.initialMs / 4);
  }

  /** The typical task duration seen in this build, if any. */
  expectedMs(): number | undefined {
    if (this.durations.length < 3) return undefined;
    const sorted = [...this.durations].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)];
  }

  /** The wait before the first status check. */
  first(): number {
    const expected = this.expectedMs();
    return expected !== undefined ? Math.max(this.minMs, Math.min(expected, this.schedule.deadlineMs)) : this.schedule.initialMs;
  }

  /** The wait after a pending answer at `elapsedMs`, the previous wait having been `prevMs`. */
  next(elapsedMs: number, prevMs: number, progress?: number): number {
    const { maxMs } = this.schedule;
    if (progress !== undefined && progress > 0 && progress < 100 && elapsedMs > 0) {
      // Progress is usually floored to a whole percent: the true value is ~half a point higher.
      const p = Math.min(progress + 0.5, 99.9);
      const remaining = (elapsedMs * (100 - p)) / p;
      // Early readings are coarse (clock offsets weigh more): go 80% of the way, then look again.
      const share = progress < 50 ? 0.8 : 1.02;
      return clamp(remaining * share + this.minMs / 2, this.minMs, Math.max(maxMs, elapsedMs));
    }
    const expected = this.expectedMs();
    if (expected !== undefined && elapsedMs < expected * 0.95) return clamp(expected - elapsedMs, this.minMs, maxMs);
    return clamp(prevMs * 1.25, this.minMs, maxMs);
  }

  /** A task was seen pending at `lastPendingMs` and finished by `doneMs` (elapsed since submit). */
  observe(lastPendingMs: number, doneMs: number): void {
    this.durations.push((lastPendingMs + doneMs) / 2);
    if (this.durations.length > 32) this.durations.shift();
  }
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(Math.max(v, lo), hi);
}
