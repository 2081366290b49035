import type { QuotaHit } from "./error-answers.js";
import type { SimLimits } from "./fault-syntax.js";
import { createsTask, routeProvider } from "./route-names.js";
import type { SimState } from "./state.js";

const WINDOW_MS = 60_000;
const DAY_MS = 86_400_000;
/** What a per-day 429 says to wait: Google's own hint is seconds, though the quota lasts the day. */
const DAY_HINT_MS = 34_400;

/**
 * Limits a real service enforces, per provider: requests per minute over a sliding 60 s
 * window (rejected requests do not count), and tasks running at once (checked on submits).
 */
export class ServiceLimits {
  private readonly windows = new Map<string, number[]>();
  /** Requests counted per provider in the current UTC day. */
  private readonly days = new Map<string, { day: number; used: number }>();
  /** Requests refused by a limit, by route. */
  readonly rejected = new Map<string, number>();

  constructor(private readonly limits: () => Record<string, SimLimits>) {}

  /** undefined when the request may go on; else how long the client should wait and why. */
  check(route: string, state: SimState, now: number): { waitMs: number; message: string; quota?: QuotaHit } | undefined {
    const provider = routeProvider(route);
    const lim = provider ? this.limits()[provider] : undefined;
    if (!provider || !lim) return undefined;
    if (lim.tasks && createsTask(route)) {
      const running = [...state.tasks.values()].filter((t) => t.provider === provider && t.readyAt > now);
      if (running.length >= lim.tasks) {
        const soonest = Math.min(...running.map((t) => t.readyAt));
        return this.reject(route, soonest - now, `Too many concurrent tasks: at most ${lim.tasks} may run at once.`);
      }
    }
    if (lim.rpd) {
      const day = Math.floor(now / DAY_MS);
      const d = this.days.get(provider);
      const today = d && d.day === day ? d : { day, used: 0 };
      this.days.set(provider, today);
      if (today.used >= lim.rpd) {
        const hit = this.reject(route, DAY_HINT_MS, `You exceeded your current quota: ${lim.rpd} requests per day.`);
        return { ...hit, quota: { period: "day", limit: lim.rpd } };
      }
      today.used++;
    }
    if (lim.rpm) {
      const w = this.windows.get(provider) ?? [];
      while (w.length && w[0] <= now - WINDOW_MS) w.shift();
      this.windows.set(provider, w);
      if (w.length >= lim.rpm) {
        const hit = this.reject(route, w[0] + WINDOW_MS - now, `Rate limit exceeded: ${lim.rpm} requests per minute.`);
        return { ...hit, quota: { period: "minute", limit: lim.rpm } };
      }
      w.push(now);
    }
    return undefined;
  }

  private reject(route: string, waitMs: number, message: string) {
    this.rejected.set(route, (this.rejected.get(route) ?? 0) + 1);
    return { waitMs: Math.max(1, waitMs), message };
  }
}
