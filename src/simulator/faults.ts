import { AsyncLocalStorage } from "node:async_hooks";
import type { IncomingMessage, ServerResponse } from "node:http";
import { errorAnswer } from "./error-answers.js";
import { toFaultPlan, type FaultKind, type FaultPlan, type FaultRule } from "./fault-syntax.js";
import { createsTask, routeMatches, routeProvider } from "./route-names.js";
import type { SimTask } from "./state.js";

export type FaultsOption = string | Partial<FaultPlan>;

const TRANSPORT: FaultKind[] = ["429", "500", "502", "503", "504", "reset", "hang", "malformed"];
const DOWNLOAD: FaultKind[] = ["429", "500", "502", "503", "504", "reset", "hang", "truncate", "notimage", "expired"];
const TASK: FaultKind[] = [...TRANSPORT, "fail", "block"];

/**
 * Faults a route carries out itself rather than the hook: a batch create that makes a job
 * which will end FAILED (`fail`) or EXPIRED (`expired`); a results download that is cut
 * (`truncate`) or never ends (`hang`) in the middle of its stream.
 */
const OWN_FAULTS: Record<string, FaultKind[]> = {
  "gemini.batch.create": ["fail", "expired"],
  "gemini.download": ["truncate", "hang"],
};

/** True when the route carries out this fault itself. */
export function ownsFault(route: string, kind: FaultKind): boolean {
  return OWN_FAULTS[route]?.includes(kind) ?? false;
}

/** The kinds that make sense on a route (`*:truncate` only touches downloads). */
export function applicableKinds(route: string): FaultKind[] {
  if (route === "gemini.batch.create") return [...TRANSPORT, "fail", "expired"];
  if (route === "files" || route === "gemini.download") return DOWNLOAD;
  return createsTask(route) ? TASK : TRANSPORT;
}

/** mulberry32: a tiny seeded PRNG, so a fault pattern is reproducible from the seed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Task faults travel from the hook to SimState.accept() of the same request. */
const taskFault = new AsyncLocalStorage<FaultKind>();

/**
 * Decides, per request, whether a fault fires. Randomness is drawn from (seed, rule, n-th
 * matching request), so the same seed gives the same pattern of failing requests per route.
 */
export class FaultInjector {
  private plan: FaultPlan;
  private counters: number[] = [];
  /** Faults injected, by `route:kind`. */
  readonly injected = new Map<string, number>();

  constructor(
    faults: FaultsOption | undefined,
    private readonly seed = 1,
  ) {
    this.plan = toFaultPlan(faults);
  }

  get limits(): FaultPlan["limits"] {
    return this.plan.limits;
  }

  set(faults: FaultsOption | undefined): void {
    this.plan = toFaultPlan(faults);
    this.counters = [];
  }

  /** The fault for this request, if one fires. */
  decide(route: string): FaultKind | undefined {
    const kinds = applicableKinds(route);
    let chosen: FaultKind | undefined;
    this.plan.rules.forEach((rule, i) => {
      if (!routeMatches(rule.route, route) || (rule.kind !== "any" && !kinds.includes(rule.kind))) return;
      const n = (this.counters[i] = (this.counters[i] ?? 0) + 1);
      if (chosen) return;
      const rand = mulberry32((this.seed ^ Math.imul(i + 1, 0x9e3779b1) ^ Math.imul(n, 0x85ebca6b)) >>> 0);
      if (!fires(rule, n, rand)) return;
      chosen = rule.kind === "any" ? kinds[Math.floor(rand() * kinds.length)] : rule.kind;
    });
    if (chosen) this.injected.set(`${route}:${chosen}`, (this.injected.get(`${route}:${chosen}`) ?? 0) + 1);
    return chosen;
  }
}

function fires(rule: FaultRule, n: number, rand: () => number): boolean {
  if (rule.nth) return n >= rule.nth[0] && n <= rule.nth[1];
  if (rule.rate !== undefined) return rand() < rule.rate;
  return true;
}

/** The fault the current request carries out itself (see OWN_FAULTS), if any. */
export function injectedFault(): FaultKind | undefined {
  return taskFault.getStore();
}

/** Marks a task accepted during a `fail`/`block` request (called from SimState.accept). */
export function applyTaskFault(task: SimTask): void {
  const kind = taskFault.getStore();
  if (kind === "fail") task.failure = { kind: "failed", message: "Internal error while generating the image (simulated task failure)." };
  if (kind === "block") task.failure = { kind: "blocked", message: "The request was blocked by the content safety filter (simulated)." };
}

/**
 * Applies `kind` to one request. Faults that answer in place of the service return without
 * calling `route`; the others run `route` and then alter or withhold its answer.
 */
export async function applyFault(
  kind: FaultKind,
  routeName: string,
  req: IncomingMessage,
  res: ServerResponse,
  route: () => Promise<void>,
): Promise<void> {
  if (ownsFault(routeName, kind)) return taskFault.run(kind, route);
  switch (kind) {
    case "reset":
      req.socket.destroy();
      return;
    case "expired":
      return send(res, { status: 403, headers: {}, body: { error: "the signed URL has expired (simulated)" } });
    case "fail":
    case "block":
      return taskFault.run(kind, route);
    case "hang":
    case "malformed":
    case "truncate":
    case "notimage":
      intercept(res, kind);
      return route();
    default: {
      const status = Number(kind);
      return send(res, errorAnswer(routeProvider(routeName), status, undefined, status === 429 || status === 503 ? 1000 : undefined));
    }
  }
}

export function send(res: ServerResponse, a: { status: number; headers: Record<string, string>; body: unknown }): void {
  const text = JSON.stringify(a.body);
  res.writeHead(a.status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text), ...a.headers });
  res.end(text);
}

/** Lets the route write its answer, then withholds, garbles or cuts it. */
function intercept(res: ServerResponse, kind: FaultKind): void {
  const writeHead = res.writeHead.bind(res) as (s: number, h?: Record<string, unknown>) => ServerResponse;
  const end = res.end.bind(res) as (b?: Buffer | string) => ServerResponse;
  let status = 200;
  let headers: Record<string, unknown> = {};
  res.writeHead = ((s: number, h?: Record<string, unknown>) => ((status = s), (headers = h ?? {}), res)) as typeof res.writeHead;
  res.end = ((chunk?: Buffer | string) => {
    const body = chunk === undefined ? Buffer.alloc(0) : Buffer.from(chunk);
    if (kind === "hang") {
      // Processed, answered never: hold until the client gives up (or 10 min pass).
      setTimeout(() => res.destroy(), 600_000).unref();
    } else if (kind === "malformed") {
      const cut = body.subarray(0, Math.floor(body.length / 2));
      writeHead(status, { ...headers, "content-length": cut.length });
      end(cut);
    } else if (kind === "truncate") {
      writeHead(status, headers);
      res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.destroy());
    } else {
      const html = Buffer.from("<html><body><h1>502 Bad Gateway</h1><p>cdn-edge</p></body></html>");
      writeHead(status, { ...headers, "content-type": "text/html", "content-length": html.length });
      end(html);
    }
    return res;
  }) as typeof res.end;
}
