import type { IncomingMessage, ServerResponse } from "node:http";
import { errorAnswer } from "./error-answers.js";
import { applyFault, applyTaskFault, FaultInjector, ownsFault, send, type FaultsOption } from "./faults.js";
import { ServiceLimits } from "./rate-limits.js";
import { taskImage } from "./files.js";
import { routeName, routeProvider } from "./route-names.js";
import type { SimState } from "./state.js";

/**
 * The simulator's bad day, in one hook that runs before routing: service limits first
 * (the provider's 429 with its wait hint), then an injected fault, then the route itself.
 */
export class FaultHook {
  readonly injector: FaultInjector;
  readonly limits: ServiceLimits;

  constructor(
    private readonly state: SimState,
    faults: FaultsOption | undefined,
    seed: number | undefined,
    private readonly now: () => number,
  ) {
    this.injector = new FaultInjector(faults, seed);
    this.limits = new ServiceLimits(() => this.injector.limits);
    state.onAccept = (task) => {
      applyTaskFault(task);
      // Render while the task "runs", as a real service does: the download is then immediate.
      if (!task.failure)
        setTimeout(() => taskImage(task, this.state.uploads).catch(() => {}), Math.max(0, (task.readyAt - task.createdAt) / 2)).unref();
    };
  }

  /** Runs `route` for the request, unless a limit or fault answers instead. */
  async handle(req: IncomingMessage, res: ServerResponse, pathname: string, route: () => Promise<void>): Promise<void> {
    const name = routeName(req.method ?? "GET", pathname);
    if (!name) return route();
    const limited = this.limits.check(name, this.state, this.now());
    if (limited) {
      this.state.count(name);
      const model = /\/models\/([^/:]+):/.exec(pathname)?.[1];
      const quota = limited.quota && { ...limited.quota, ...(model ? { model: decodeURIComponent(model) } : {}) };
      return send(res, errorAnswer(routeProvider(name), 429, limited.message, limited.waitMs, quota));
    }
    const fault = this.injector.decide(name);
    if (!fault) return route();
    // Faults answered in place of the service still count as a request to that route.
    if (
      !ownsFault(name, fault.kind) &&
      ["reset", "expired", "429", "500", "502", "503", "504", "leak-key", "redirect", "giant"].includes(fault.kind)
    )
      this.state.count(name);
    return applyFault(fault, name, req, res, route);
  }

  /** Injected faults and limit rejections, by `route:kind`. */
  counts(): Record<string, number> {
    const out = Object.fromEntries(this.injector.injected);
    for (const [route, n] of this.limits.rejected) out[`${route}:rate-limited`] = n;
    return out;
  }
}
