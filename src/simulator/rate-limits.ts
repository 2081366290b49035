import type { SimLimits } from "./fault-syntax.js";
import { createsTask, routeProvider } from "./route-names.js";
import type { SimState } from "./state.js";

const WINDOW_MS = 60_000;

/**
 * Limits a real service enforces, per provider: requests per minute over a sliding 60 s
 * window (rejected requests do not count), and tasks running at once (checked on submits).
 */
export class ServiceLimits {
  private readonly windows = new Map<string, number[]>();
  /** Requests refused by a limit, by route. */
  readonly rejected = new Map<string, number>();

  constructor(private readonly limits: () => Record<string, SimLimits>) {}

  /** undefined when the request may go on; else how long the client should wait and why. */
  check(route: string, state: SimState, now: number): { waitMs: number; message: string } | undefined {
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
    if (lim.rpm) {
      const w = this.windows.get(provider) ?? [];
      while (w.length && w[0] <= now - WINDOW_MS) w.shift();
      this.windows.set(provider, w);
      if (w.length >= lim.rpm) return this.reject(route, w[0] + WINDOW_MS - now, `Rate limit exceeded: ${lim.rpm} requests per minute.`);
      w.push(now);
    }
    return undefined;
  }

  private reject(route: string, waitMs: number, message: string) {
    this.rejected.set(route, (this.rejected.get(route) ?? 0) + 1);
    return { waitMs: Math.max(1, waitMs), message };
  }
}
