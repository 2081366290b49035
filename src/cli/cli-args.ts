import type { Shard } from "../core/plan/shard.js";

/**
 * The parsed command line. Each option a command declares lands here under its camelCase
 * name; booleans default to false and repeatable options to [] for every command.
 */
export interface CliArgs {
  command: string;
  /** Positional arguments after the command. */
  rest: string[];
  cwd: string;
  config?: string;
  only: string[];
  concurrency?: number;
  simulate: boolean;
  verify: boolean;
  json: boolean;
  write: boolean;
  check: boolean;
  wait: boolean;
  batch: boolean;
  noWait: boolean;
  batchLatencyMs?: number;
  /** build --check --remote (true), or init --remote s3://bucket/prefix (the URL). */
  remote: boolean | string;
  shard?: Shard;
  maxCost?: number;
  fitBudget: boolean;
  /** build --retry-rejected: pay again for assets whose image failed the quality gates */
  retryRejected: boolean;
  /** build --placeholders: labelled stand-ins for assets with no output yet, at $0 */
  placeholders: boolean;
  dryRun: boolean;
  /** build --yes: do not ask before spending over confirmAboveUsd */
  yes: boolean;
  output?: string;
  port?: number;
  since?: string;
  /** plan --out FILE, report --out FILE */
  out?: string;
  serve: boolean;
  clear: boolean;
  latencyMs?: number;
  idempotency: boolean;
  faults?: string;
  seed?: number;
  /** simulator --fetch-origin ORIGIN (repeatable) */
  fetchOrigin: string[];
  help: boolean;
  /** gc --older-than AGE, in ms */
  olderThan?: number;
  /** build --plan FILE */
  plan?: string;
  version: boolean;
}
