import { abortableSleep } from "./retry.js";

export interface RateLimiterOptions {
  /** Requests per minute the plan allows; undefined: no pacing until the first 429. */
  rpm?: number;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/**
 * Paces one provider's requests and adapts AIMD-style.
 *
 * With a configured rpm R it keeps the provider's own model: a sliding 60 s window (Google
 * and the simulator count that way). Up to 97% of R may go at once, so a build smaller than
 * the window never waits; past that a request waits until the oldest one in the window has
 * left it (plus a small margin: the server stamps arrival, we stamp the send). A 429 cuts
 * the window's budget to 70% and pauses every sender for the server's wait hint; each success
 * adds back 1% of the ceiling, so recovery takes ~30 successes.
 *
 * Without a configured rpm nothing is paced until a 429 arrives with enough history to
 * measure (10 requests in 10 s); requests are then spaced evenly at 70% of what was being
 * sent, growing 5% per success until pacing ends. An earlier 429 only pauses everyone for
 * its wait hint.
 */
/** Requests in the last 10 s needed before an unconfigured limiter starts pacing on a 429. */
const MIN_HISTORY = 10;
const WINDOW_MS = 60_000;
/** The server stamps a request when it arrives, we stamp it when it leaves: keep this much apart. */
const WINDOW_MARGIN_MS = 500;

export class RateLimiter {
  /** Unconfigured pacing (evenly spaced), after a 429; undefined: unpaced. */
  private spacedPerMin: number | undefined;
  /** Configured: 97% of the rpm, the window's full budget. */
  private readonly ceiling: number | undefined;
  /** Configured: the share of the ceiling in force (AIMD), 0.1 to 1. */
  private share = 1;
  private nextAt = 0;
  private pausedUntil = 0;
  /** Grant times (some may lie in the future: reserved slots), ascending. */
  private readonly granted: number[] = [];
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;

  constructor(opts: RateLimiterOptions = {}) {
    this.ceiling = opts.rpm !== undefined ? opts.rpm * 0.97 : undefined;
    this.now = opts.now ?? Date.now;
    this.sleep = opts.sleep ?? abortableSleep;
  }

  /** The current pace in requests per minute (undefined: unpaced). */
  get rate(): number | undefined {
    return this.ceiling !== undefined ? this.ceiling * this.share : this.spacedPerMin;
  }

  /** Waits for this request's turn. */
  async acquire(signal?: AbortSignal): Promise<void> {
    for (;;) {
      const now = this.now();
      const slot = this.reserve(now);
      if (slot > now) await this.sleep(slot - now, signal);
      // A 429 that arrived while we slept moves everyone behind its wait hint.
      if (this.pausedUntil <= this.now() + 1) return;
      this.release(slot);
    }
  }

  /** Picks and records this request's send time. */
  private reserve(now: number): number {
    while (this.granted.length && this.granted[0] <= now - WINDOW_MS) this.granted.shift();
    let slot = Math.max(now, this.pausedUntil);
    if (this.ceiling !== undefined) {
      const budget = Math.max(1, Math.floor(this.ceiling * this.share));
      // Only grants inside the window ending at `slot` count; the one `budget` places back must leave it first.
      if (this.granted.length >= budget) slot = Math.max(slot, this.granted[this.granted.length - budget] + WINDOW_MS + WINDOW_MARGIN_MS);
    } else if (this.spacedPerMin) {
      slot = Math.max(slot, this.nextAt);
      this.nextAt = slot + 60_000 / this.spacedPerMin;
    }
    let i = this.granted.length;
    while (i > 0 && this.granted[i - 1] > slot) i--;
    this.granted.splice(i, 0, slot);
    return slot;
  }

  private release(slot: number): void {
    const i = this.granted.indexOf(slot);
    if (i >= 0) this.granted.splice(i, 1);
  }

  /** A 429: slow down (multiplicative decrease) and honour the wait hint for everyone. */
  throttled(waitMs?: number): void {
    const now = this.now();
    if (waitMs !== undefined) this.pausedUntil = Math.max(this.pausedUntil, now + waitMs);
    if (this.ceiling !== undefined) {
      // Floor: a tenth of the plan's rate: a burst of 429s slows, never stalls, a build.
      this.share = Math.max(0.1, this.share * 0.7);
      return;
    }
    // Unconfigured, with too little history to measure a rate (a 429 early in a build): honour
    // the wait hint only. Pacing from one or two requests would crawl at a request a second.
    if (this.spacedPerMin === undefined && this.recentCount(now) < MIN_HISTORY) return;
    const current = this.spacedPerMin ?? this.observedRate(now);
    this.spacedPerMin = Math.max(10, current * 0.7);
    this.nextAt = Math.max(this.nextAt, now);
  }

  private recentCount(now: number): number {
    return this.granted.filter((t) => t > now - 10_000 && t <= now).length;
  }

  /** What we were actually sending at, per minute, over the last 10 s (at least 1 s of history). */
  private observedRate(now: number): number {
    const recent = this.granted.filter((t) => t > now - 10_000 && t <= now);
    if (recent.length === 0) return 1;
    const span = Math.max(1_000, now - recent[0]);
    return (recent.length / span) * 60_000;
  }

  /** A success: speed up again slowly (additive increase), never past the configured rpm. */
  succeeded(): void {
    if (this.ceiling !== undefined) {
      this.share = Math.min(1, this.share + 0.01);
      return;
    }
    if (this.spacedPerMin === undefined) return;
    this.spacedPerMin += Math.max(1, this.spacedPerMin * 0.05);
    // Fully recovered: stop pacing.
    if (this.spacedPerMin > 10_000) this.spacedPerMin = undefined;
  }
}

/** At most `limit` holders at once (tasks running at a provider); FIFO. */
export class ConcurrencyGate {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly limit: number) {}

  /** Resolves with a release function once a place is free. */
  async acquire(signal?: AbortSignal): Promise<() => void> {
    if (this.active >= this.limit) {
      await new Promise<void>((resolve, reject) => {
        const go = () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        };
        const onAbort = () => {
          const i = this.waiting.indexOf(go);
          if (i >= 0) this.waiting.splice(i, 1);
          reject(signal!.reason);
        };
        this.waiting.push(go);
        signal?.addEventListener("abort", onAbort, { once: true });
      });
    } else this.active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    };
  }
}
