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
 * left it. The server stamps a request when it arrives, which we cannot see: we stamp it when
 * its answer came (a sure upper bound), and a request still in flight counts as "now", so a
 * loaded machine that sends late or reads answers late can never push the window over. A
 * request refused with a 429 was not counted and leaves the window. A 429 cuts the window's
 * budget to 70% and pauses every sender for the server's wait hint; each success adds back 1%
 * of the ceiling, so recovery takes ~30 successes.
 *
 * Without a configured rpm nothing is paced until a 429 arrives with enough history to
 * measure (10 requests in 10 s); requests are then spaced evenly at 70% of what was being
 * sent, growing 5% per success until pacing ends. An earlier 429 only pauses everyone for
 * its wait hint.
 */
/** Requests in the last 10 s needed before an unconfigured limiter starts pacing on a 429. */
const MIN_HISTORY = 10;
const WINDOW_MS = 60_000;
/** Clock granularity between our stamps and the server's. */
const WINDOW_MARGIN_MS = 50;
/** While the request that decides a wait is still in flight, look again this often. */
const IN_FLIGHT_RECHECK_MS = 250;
/** A permit never settled (a caller's bug) stops counting as in flight after this long. */
const OPEN_LIMIT_MS = 10 * 60_000;

/** One request the limiter let go: settle it with `answered()` once its answer (or failure) came. */
export interface RatePermit {
  /** When it was sent; once answered, when the answer came. */
  at: number;
  open: boolean;
  /** The answer came (whatever it said, except a 429: see RateLimiter.throttled). */
  answered(): void;
}

export class RateLimiter {
  /** Unconfigured pacing (evenly spaced), after a 429; undefined: unpaced. */
  private spacedPerMin: number | undefined;
  /** Configured: 97% of the rpm, the window's full budget. */
  private readonly ceiling: number | undefined;
  /** Configured: the share of the ceiling in force (AIMD), 0.1 to 1. */
  private share = 1;
  private nextAt = 0;
  private pausedUntil = 0;
  /** Requests inside the window (or reserved for a moment in the future). */
  private readonly granted: RatePermit[] = [];
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

  /** Waits for this request's turn; settle the permit when the answer comes. */
  async acquire(signal?: AbortSignal): Promise<RatePermit> {
    for (;;) {
      const now = this.now();
      const { slot, inFlight } = this.nextSlot(now);
      if (slot <= now) return this.grant(now);
      // A slot decided by a request still in flight moves when its answer comes: look again soon.
      await this.sleep(inFlight ? Math.min(slot - now, IN_FLIGHT_RECHECK_MS) : slot - now, signal);
    }
  }

  /** When the next request may go: the window's budget, the pacing, and any 429 pause. */
  private nextSlot(now: number): { slot: number; inFlight: boolean } {
    this.forgetOld(now);
    let slot = Math.max(now, this.pausedUntil);
    let inFlight = false;
    if (this.ceiling !== undefined) {
      const budget = Math.max(1, Math.floor(this.ceiling * this.share));
      if (this.granted.length >= budget) {
        // The one `budget` places back must leave the window first.
        const stamps = this.granted.map((p) => ({ t: this.stamp(p, now), open: p.open })).sort((a, b) => a.t - b.t);
        const decisive = stamps[stamps.length - budget];
        slot = Math.max(slot, decisive.t + WINDOW_MS + WINDOW_MARGIN_MS);
        inFlight = decisive.open;
      }
    } else if (this.spacedPerMin) slot = Math.max(slot, this.nextAt);
    return { slot, inFlight };
  }

  private grant(now: number): RatePermit {
    if (this.spacedPerMin) this.nextAt = now + 60_000 / this.spacedPerMin;
    const permit: RatePermit = {
      at: now,
      open: true,
      answered: () => {
        if (!permit.open) return;
        permit.open = false;
        permit.at = Math.max(permit.at, this.now());
      },
    };
    this.granted.push(permit);
    return permit;
  }

  /** Where a request counts in the window: its answer's time, or now while it is in flight. */
  private stamp(p: RatePermit, now: number): number {
    return p.open ? Math.max(p.at, Math.min(now, p.at + OPEN_LIMIT_MS)) : p.at;
  }

  private forgetOld(now: number): void {
    for (let i = this.granted.length - 1; i >= 0; i--) {
      const p = this.granted[i];
      if (this.stamp(p, now) <= now - WINDOW_MS) this.granted.splice(i, 1);
    }
  }

  /**
   * A 429: slow down (multiplicative decrease) and honour the wait hint for everyone. The
   * refused request (its permit) was not counted by the server and leaves the window.
   */
  throttled(waitMs?: number, permit?: RatePermit): void {
    const now = this.now();
    if (permit) {
      permit.open = false;
      const i = this.granted.indexOf(permit);
      if (i >= 0) this.granted.splice(i, 1);
    }
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
    return this.recent(now).length;
  }

  /** Stamps of the requests of the last 10 s. */
  private recent(now: number): number[] {
    return this.granted.map((p) => this.stamp(p, now)).filter((t) => t > now - 10_000 && t <= now);
  }

  /** What we were actually sending at, per minute, over the last 10 s (at least 1 s of history). */
  private observedRate(now: number): number {
    const recent = this.recent(now);
    if (recent.length === 0) return 1;
    const span = Math.max(1_000, now - Math.min(...recent));
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
