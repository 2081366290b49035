import type { BuildResult } from "../engine/build/events.js";
import type { CliArgs } from "./cli-args.js";

/** The settings `build` and `plan` lay over the config file's. */
export function loadOverrides(args: CliArgs): { simulate?: boolean; batch?: boolean } {
  return { simulate: args.simulate || undefined, batch: args.batch || undefined };
}

/** What `build --json` prints. */
export function buildJson(result: BuildResult): string {
  const {
    generated,
    upToDate,
    failed,
    blocked,
    rejected,
    skipped,
    costUsd,
    simulated,
    costByModel,
    warnings,
    interrupted,
    leftRunning,
    possibleDuplicates,
    journalError,
    unrecorded,
  } = result;
  const assets = result.assets.map(({ name, status, output, hash, taskId, costUsd: c, error, kept }) => ({
    name,
    status,
    output,
    hash,
    taskId,
    costUsd: c,
    ...(error ? { error } : {}),
    ...(kept ? { kept } : {}),
  }));
  return `${JSON.stringify({ generated, upToDate, failed, blocked, rejected, skipped, costUsd, simulated, costByModel, warnings, interrupted, leftRunning, possibleDuplicates, journalError, unrecorded, ...(result.batchJobs ? { batchJobs: result.batchJobs } : {}), assets, ...(result.derived ? { derived: result.derived } : {}), ...(result.alt ? { alt: result.alt } : {}), ...(result.codegen ? { codegen: result.codegen } : {}) }, null, 2)}\n`;
}
