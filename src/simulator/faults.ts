import { AsyncLocalStorage } from "node:async_hooks";
import type { IncomingMessage, ServerResponse } from "node:http";
import { errorAnswer } from "./error-answers.js";
import { FAULT_PARAMS, toFaultPlan, type FaultKind, type FaultPlan, type FaultRule } from "./fault-syntax.js";
import { giantPng, huge, leakKey, redirectLoop, rewriteJson, trickle, type HeldAnswer } from "./hostile-answers.js";
import { createsTask, routeMatches, routeProvider } from "./route-names.js";
import type { SimTask } from "./state.js";

export type FaultsOption = string | Partial<FaultPlan>;

const TRANSPORT: FaultKind[] = ["429", "500", "502", "503", "504", "reset", "hang", "malformed"];
const DOWNLOAD: FaultKind[] = ["429", "500", "502", "503", "504", "reset", "hang", "truncate", "notimage", "expired"];
const TASK: FaultKind[] = [...TRANSPORT, "fail", "block"];
/** Hostile kinds: they fit these routes, and `any` never draws them (its mix stays the one the benches know). */
const EVERYWHERE: FaultKind[] = ["trickle", "huge", "redirect"];
const API: FaultKind[] = [...EVERYWHERE, "shape", "renamed", "leak-key"];
const STATUS_ROUTES = ["apidot.status", "fal.status", "revid.query"];
const EMPTY_ROUTES = ["apidot.status", "fal.result", "revid.query", "gemini.generate"];

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

/** The kinds `any` picks from on a route (`*:truncate` only touches downloads). */
export function applicableKinds(route: string): FaultKind[] {
  if (route === "gemini.batch.create") return [...TRANSPORT, "fail", "expired"];
  if (route === "files" || route === "gemini.download") return DOWNLOAD;
  return createsTask(route) ? TASK : TRANSPORT;
}

/** Every kind that fits a route, hostile ones included. */
export function fittingKinds(route: string): FaultKind[] {
  if (route === "files") return [...DOWNLOAD, ...EVERYWHERE, "giant"];
  return [
    ...applicableKinds(route),
    ...API,
    ...(STATUS_ROUTES.includes(route) ? (["unknown-status"] as const) : []),
    ...(EMPTY_ROUTES.includes(route) ? (["empty"] as const) : []),
  ];
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

  /** The fault for this request, if one fires (with the kind's number, when it has one). */
  decide(route: string): { kind: FaultKind; param?: number } | undefined {
    const kinds = applicableKinds(route);
    const fitting = fittingKinds(route);
    let chosen: { kind: FaultKind; param?: number } | undefined;
    this.plan.rules.forEach((rule, i) => {
      if (!routeMatches(rule.route, route) || (rule.kind !== "any" && !fitting.includes(rule.kind))) return;
      const n = (this.counters[i] = (this.counters[i] ?? 0) + 1);
      if (chosen) return;
      const rand = mulberry32((this.seed ^ Math.imul(i + 1, 0x9e3779b1) ^ Math.imul(n, 0x85ebca6b)) >>> 0);
      if (!fires(rule, n, rand)) return;
      const kind = rule.kind === "any" ? kinds[Math.floor(rand() * kinds.length)] : rule.kind;
      const param = rule.param ?? FAULT_PARAMS[kind]?.default;
      chosen = param === undefined ? { kind } : { kind, param };
    });
    if (chosen) this.injected.set(`${route}:${chosen.kind}`, (this.injected.get(`${route}:${chosen.kind}`) ?? 0) + 1);
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
  fault: { kind: FaultKind; param?: number },
  routeName: string,
  req: IncomingMessage,
  res: ServerResponse,
  route: () => Promise<void>,
): Promise<void> {
  const { kind, param = 0 } = fault;
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
    case "leak-key":
      return send(res, leakKey(req, routeName, requestUrl(req)));
    case "redirect":
      return redirectLoop(req, res, requestUrl(req));
    case "giant": {
      const body = giantPng(param);
      res.writeHead(200, { "content-type": "image/png", "content-length": body.length });
      res.end(body);
      return;
    }
    case "huge":
      // Processed first (a submit is charged), then answered with more than anyone should read.
      hold(res, () => huge(res, routeName, param));
      return route();
    case "trickle":
      hold(res, (answer) => trickle(res, answer, param));
      return route();
    case "shape":
    case "renamed":
    case "unknown-status":
    case "empty":
      hold(res, (answer) => {
        const json = parseJson(answer.body);
        const ok = answer.status >= 200 && answer.status < 300 && json !== undefined;
        const body = ok ? Buffer.from(JSON.stringify(rewriteJson(kind, routeName, json))) : answer.body;
        res.writeHead(answer.status, { ...answer.headers, "content-length": body.length });
        res.end(body);
      });
      return route();
    default: {
      const status = Number(kind);
      const quota = status === 429 ? { period: "minute" as const, limit: 10 } : undefined;
      return send(
        res,
        errorAnswer(routeProvider(routeName), status, undefined, status === 429 || status === 503 ? 1000 : undefined, quota),
      );
    }
  }
}

export function send(res: ServerResponse, a: { status: number; headers: Record<string, string>; body: unknown }): void {
  const text = JSON.stringify(a.body);
  res.writeHead(a.status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text), ...a.headers });
  res.end(text);
}

function requestUrl(req: IncomingMessage): URL {
  return new URL(req.url ?? "/", "http://simulator");
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString("utf8"));
  } catch {
    return undefined;
  }
}

/**
 * Holds the answer the route writes (writeHead + end) and hands it to `then`, with the
 * response's own methods restored so `then` can answer for real.
 */
function hold(res: ServerResponse, then: (answer: HeldAnswer) => void): void {
  const writeHead = res.writeHead;
  const end = res.end;
  let status = 200;
  let headers: Record<string, unknown> = {};
  res.writeHead = ((s: number, h?: Record<string, unknown>) => ((status = s), (headers = h ?? {}), res)) as typeof res.writeHead;
  res.end = ((chunk?: Buffer | string) => {
    res.writeHead = writeHead;
    res.end = end;
    then({ status, headers, body: chunk === undefined ? Buffer.alloc(0) : Buffer.from(chunk) });
    return res;
  }) as typeof res.end;
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
