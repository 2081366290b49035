import type { Plan } from "../../core/plan/types.js";
import type { Project } from "../../core/project.js";
import type { BuildOptions } from "./build-options.js";
import type { BuildResult } from "./events.js";

/**
 * A plain build (no selection, no verify, no saved plan, no shard, no batch) that found every
 * asset up to date, with no warning, no derived files, descriptions or asset module to keep:
 * what the no-op stamp may stand for.
 */
export function isPlainNoop(project: Project, opts: BuildOptions, p: Plan, done: BuildResult): boolean {
  if (!onlyPlainOptions(opts, NO_EFFECT_ON_A_NOOP) || project.config.batch || project.config.codegen) return false;
  // Local or paid steps after the images (derived files, grids, alt: auto descriptions): the full build decides each time.
  if (project.assets.some((a) => a.derived?.length || (a.alt && "auto" in a.alt))) return false;
  if (done.interrupted || done.warnings.length || !onlyPlainOptions(done, PLAIN_RESULT)) return false;
  // Anything the plan lists beside the images (derived files, descriptions, what is needed first…).
  if (Object.entries(p).some(([k, v]) => k !== "items" && Array.isArray(v) && v.length > 0)) return false;
  return p.items.length === project.assets.length && done.upToDate === project.assets.length && done.assets.length === done.upToDate;
}

/** What a no-op's result holds; a result with anything more set (derived, codegen, alt, batch jobs, a field added later) is not plain. */
const PLAIN_RESULT = new Set([
  "generated",
  "upToDate",
  "failed",
  "blocked",
  "rejected",
  "skipped",
  "costUsd",
  "simulated",
  "assets",
  "costByModel",
  "warnings",
  "interrupted",
  "leftRunning",
  "possibleDuplicates",
]);

/** Build options that change nothing about a build with nothing to do. */
const NO_EFFECT_ON_A_NOOP = new Set([
  "concurrency",
  "onEvent",
  "signal",
  "connection",
  "simulatorUrl",
  "env",
  "maxCostUsd",
  "fitBudget",
  "wait",
  "remote",
  "httpReferenceOrigins",
  "reclaimMemory",
  "confirm", // a build with nothing to do never asks (its estimate is $0)
]);

/** Every option outside `plain` is unset (undefined, false or an empty list): an option added later counts as not plain. */
export function onlyPlainOptions(opts: object, plain: ReadonlySet<string>): boolean {
  return Object.entries(opts).every(([k, v]) => plain.has(k) || v === undefined || v === false || (Array.isArray(v) && v.length === 0));
}
