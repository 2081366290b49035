import { abortableSleep } from "./retry.js";

export interface RateLimiterOptions {
  /** Requests per minute the plan allows; undefined: no pacing until the first 429. */
  rpm?: number;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/**
 * Paces one provider's requests (a token bucket of depth one: evenly spaced sends) and
 * adapts AIMD-style: a 429 cuts the rate to 70% and pauses every sender for the server's
 * wait hint; each success adds back 1% of the ceiling, so recovery takes ~30 successes.
 * Without a configured rpm nothing is paced until a 429 arrives with enough history to
 * measure (10 requests in 10 s); the rate is then 70% of what was being sent and grows 5%
 * per success until pacing ends. An earlier 429 only pauses everyone for its wait hint.
 * Sends at 97% of the configured rpm: the server's window and our clock disagree by a few
 * ms, and a pace of exactly R/min against a sliding window of R/min trips on that jitter.
 */
/** Requests in the last 10 s needed before an unconfigured limiter starts pacing on a 429. */
const MIN_HISTORY = 10;

export class RateLimiter {
  private ratePerMin: number | undefined;
  private readonly ceiling: number | undefined;
  private nextAt = 0;
  private pausedUntil = 0;
  private readonly recent: number[] = [];
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;

  constructor(opts: RateLimiterOptions = {}) {
    this.ceiling = opts.rpm !== undefined ? opts.rpm * 0.97 : undefined;
    this.ratePerMin = this.ceiling;
    this.now = opts.now ?? Date.now;
    this.sleep = opts.sleep ?? abortableSleep;
  }

  /** The current pace in requests per minute (undefined: unpaced). */
  get rate(): number | undefined {
    return this.ratePerMin;
  }

  /** Waits for this request's turn. */
  async acquire(signal?: AbortSignal): Promise<void> {
    for (;;) {
      const now = this.now();
      const slot = Math.max(now, this.pausedUntil, this.ratePerMin ? this.nextAt : 0);
      if (this.ratePerMin) this.nextAt = slot + 60_000 / this.ratePerMin;
      if (slot > now) await this.sleep(slot - now, signal);
      // A 429 that arrived while we slept moves everyone behind its wait hint.
      if (this.pausedUntil <= this.now() + 1) break;
    }
    const t = this.now();
    this.recent.push(t);
    while (this.recent.length && this.recent[0] <= t - 60_000) this.recent.shift();
  }

  /** A 429: slow down (multiplicative decrease) and honour the wait hint for everyone. */
  throttled(waitMs?: number): void {
    const now = this.now();
    if (waitMs !== undefined) this.pausedUntil = Math.max(this.pausedUntil, now + waitMs);
    // Unconfigured, with too little history to measure a rate (a 429 early in a build): honour
    // the wait hint only. Pacing from one or two requests would crawl at a request a second.
    if (this.ratePerMin === undefined && this.ceiling === undefined && this.recentCount(now) < MIN_HISTORY) return;
    const current = this.ratePerMin ?? this.observedRate(now);
    // Floor: a tenth of the plan's rate (or 10/min): a burst of 429s slows, never stalls, a build.
    this.ratePerMin = Math.max(this.ceiling !== undefined ? this.ceiling * 0.1 : 10, current * 0.7);
    this.nextAt = Math.max(this.nextAt, now);
  }

  private recentCount(now: number): number {
    return this.recent.filter((t) => t > now - 10_000).length;
  }

  /** What we were actually sending at, per minute, over the last 10 s (at least 1 s of history). */
  private observedRate(now: number): number {
    const recent = this.recent.filter((t) => t > now - 10_000);
    if (recent.length === 0) return 1;
    const span = Math.max(1_000, now - recent[0]);
    return (recent.length / span) * 60_000;
  }

  /** A success: speed up again slowly (additive increase), never past the configured rpm. */
  succeeded(): void {
    if (this.ratePerMin === undefined) return;
    const step = this.ceiling !== undefined ? this.ceiling * 0.01 : Math.max(1, this.ratePerMin * 0.05);
    this.ratePerMin = Math.min(this.ceiling ?? Infinity, this.ratePerMin + step);
    // Unconfigured and fully recovered: stop pacing.
    if (this.ceiling === undefined && this.ratePerMin > 10_000) this.ratePerMin = undefined;
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
