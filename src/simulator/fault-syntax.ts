import { UserError } from "../core/errors/user-error.js";
import { ROUTE_NAMES, ROUTE_PROVIDERS } from "./route-names.js";

/**
 * Every fault the simulator can inject.
 * - `429`, `500`, `502`, `503`, `504`: answered before the request is processed (no task is created).
 * - `reset`: the connection is destroyed before the request is processed.
 * - `hang`: the request IS processed (a submit creates and charges a task), the answer never comes.
 * - `malformed`: the request IS processed, the answer is cut in half (invalid JSON, status kept).
 * - `fail`, `block`: the task is accepted (and charged) but ends failed / blocked by a safety filter.
 * - `truncate`, `notimage`, `expired`: downloads only: short body then reset; HTML instead of
 *   an image; 403 "signed URL expired".
 * Hostile kinds (never drawn by `any`; see hostile-answers.ts):
 * - `shape`, `renamed`: the request IS processed, the 2xx JSON answer becomes `{"ok":true}`, or
 *   keeps its values under flipped key names (`task_id` ↔ `taskId`, `inlineData` ↔ `inline_data`).
 * - `unknown-status`: status routes: the `status`/`state` value becomes one no docs list.
 * - `empty`: the task finishes (and is charged) with zero files.
 * - `trickle/MS`: the answer is sent one byte every MS ms (default 5000).
 * - `huge/MB`: the request is processed and answered with an endless-looking body of MB
 *   megabytes (default 600), chunked, no content-length.
 * - `leak-key`: a 401 whose message echoes the request's key headers (nothing processed).
 * - `redirect`: a redirect to the same URL, forever (nothing processed).
 * - `giant/PX`: downloads only: a valid PNG of PX×PX pixels (default 16000), a few KB on the
 *   wire (a decompression bomb).
 */
export const FAULT_KINDS = [
  "429",
  "500",
  "502",
  "503",
  "504",
  "reset",
  "hang",
  "malformed",
  "fail",
  "block",
  "truncate",
  "notimage",
  "expired",
  "shape",
  "renamed",
  "unknown-status",
  "empty",
  "trickle",
  "huge",
  "leak-key",
  "redirect",
  "giant",
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** Kinds that take a number after a slash (`trickle/50`), with its default and unit. */
export const FAULT_PARAMS: Partial<Record<FaultKind, { default: number; unit: string }>> = {
  trickle: { default: 5000, unit: "ms per byte" },
  huge: { default: 600, unit: "MB" },
  giant: { default: 16000, unit: "pixels a side" },
};

/** One fault rule: which routes, which fault, and when it fires. */
export interface FaultRule {
  /** Route name or glob: `apidot.submit`, `apidot.*`, `files`, `*`. */
  route: string;
  /** A fault kind, or `any`: one of the kinds that fit the route, picked at random. */
  kind: FaultKind | "any";
  /** Probability per matching request, 0..1. */
  rate?: number;
  /** Fire on exactly the n-th to m-th matching requests (1-based, inclusive). */
  nth?: [number, number];
  /** The kind's number (`trickle/50`: 50 ms per byte; `huge/8`: 8 MB); see FAULT_PARAMS. */
  param?: number;
}

/** Limits a real service enforces, per provider. */
export interface SimLimits {
  /** Requests per minute (sliding 60 s window) to the provider's API routes. */
  rpm?: number;
  /** Tasks running at once; a submit beyond it gets the provider's 429. */
  tasks?: number;
  /**
   * Requests per day (the simulator's clock, UTC days). Once used up, every request gets a
   * per-day 429 until the day resets, though its wait hint says seconds, as Gemini's does.
   */
  rpd?: number;
}

export interface FaultPlan {
  rules: FaultRule[];
  limits: Record<string, SimLimits>;
}

export const FAULT_SYNTAX_HELP = `fault syntax: comma-separated items, each one of
  ROUTE:KIND=RATE    e.g. apidot.submit:429=0.2, *:reset=5%   (RATE 0..1 or N%)
  ROUTE:KIND@N[-M]   the N-th (to M-th) matching request, e.g. apidot.status:503@1-2
  ROUTE:KIND         every matching request
  ROUTE:KIND/N...    a kind's number: files:trickle/50 (ms per byte), apidot.status:huge/8 (MB)
  PROVIDER:rpm=N     requests per minute, e.g. apidot:rpm=60
  PROVIDER:rpd=N     requests per day, then a per-day quota error until the day ends
  PROVIDER:tasks=N   tasks running at once, e.g. apidot:tasks=8
ROUTE is a route name or glob (apidot.submit, apidot.status, files, apidot.*, *);
KIND is one of ${FAULT_KINDS.join(", ")}, or any`;

/** Parses the compact fault syntax (`--faults`); throws UserError naming the bad item. */
export function parseFaults(text: string, source = "--faults"): FaultPlan {
  const plan: FaultPlan = { rules: [], limits: {} };
  for (const raw of text.split(/[,\s]+/).filter(Boolean)) {
    const bad = (why: string) => new UserError(`${source}: ${JSON.stringify(raw)}: ${why}\n${FAULT_SYNTAX_HELP}`);
    const m = /^([\w.*-]+):([\w-]+)(?:\/(\d+))?(?:=([\d.]+%?)|@(\d+)(?:-(\d+))?)?$/.exec(raw);
    if (!m) throw bad("not ROUTE:KIND[/N][=RATE|@N[-M]]");
    const [, route, kind, paramText, rateText, from, to] = m;
    if (kind === "rpm" || kind === "tasks" || kind === "rpd") {
      if (paramText !== undefined) throw bad(`${kind} takes no /N`);
      const n = Number(rateText);
      if (route.includes(".") || route.includes("*")) throw bad(`${kind} is set per provider (e.g. apidot:${kind}=${rateText ?? "60"})`);
      if (!rateText || !Number.isInteger(n) || n < 1) throw bad(`${kind} takes a whole number of at least 1`);
      if (!(ROUTE_PROVIDERS as readonly string[]).includes(route))
        throw bad(`unknown provider ${JSON.stringify(route)} (allowed: ${ROUTE_PROVIDERS.join(", ")})`);
      (plan.limits[route] ??= {})[kind] = n;
      continue;
    }
    if (kind !== "any" && !(FAULT_KINDS as readonly string[]).includes(kind)) throw bad(`unknown fault ${JSON.stringify(kind)}`);
    if (!route.includes("*") && !(ROUTE_NAMES as readonly string[]).includes(route)) {
      throw bad(`unknown route ${JSON.stringify(route)} (allowed: ${ROUTE_NAMES.join(", ")}, or a pattern with *)`);
    }
    const rule: FaultRule = { route, kind: kind as FaultRule["kind"] };
    if (paramText !== undefined) {
      const spec = FAULT_PARAMS[kind as FaultKind];
      if (!spec) throw bad(`${kind} takes no /N (only ${Object.keys(FAULT_PARAMS).join(", ")} do)`);
      const n = Number(paramText);
      if (n < 1) throw bad(`${kind}/N takes a whole number of at least 1 (${spec.unit})`);
      rule.param = n;
    }
    if (rateText !== undefined) {
      const rate = rateText.endsWith("%") ? Number(rateText.slice(0, -1)) / 100 : Number(rateText);
      if (!Number.isFinite(rate) || rate < 0 || rate > 1) throw bad("the rate must be between 0 and 1 (or 0% and 100%)");
      rule.rate = rate;
    } else if (from !== undefined) {
      const a = Number(from);
      const b = to !== undefined ? Number(to) : a;
      if (a < 1 || b < a) throw bad("@N-M needs 1 <= N <= M");
      rule.nth = [a, b];
    }
    plan.rules.push(rule);
  }
  return plan;
}

/** Accepts the syntax string or a plan object (tests), and returns a plan. */
export function toFaultPlan(faults: string | Partial<FaultPlan> | undefined): FaultPlan {
  if (faults === undefined) return { rules: [], limits: {} };
  if (typeof faults === "string") return parseFaults(faults);
  return { rules: [...(faults.rules ?? [])], limits: { ...(faults.limits ?? {}) } };
}

/** A plan back in the compact syntax (for the simulator's banner). */
export function describeFaults(plan: FaultPlan): string {
  const rules = plan.rules.map(
    (r) =>
      `${r.route}:${r.kind}${r.param !== undefined ? `/${r.param}` : ""}${r.rate !== undefined ? `=${r.rate}` : r.nth ? `@${r.nth[0]}${r.nth[1] !== r.nth[0] ? `-${r.nth[1]}` : ""}` : ""}`,
  );
  const limits = Object.entries(plan.limits).flatMap(([p, l]) => Object.entries(l).map(([k, v]) => `${p}:${k}=${v}`));
  return [...rules, ...limits].join(",") || "none";
}
