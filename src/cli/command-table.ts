import type { CliArgs } from "./cli-args.js";
import type { Io } from "./io.js";
import { parseShard } from "../core/plan/shard.js";
import {
  CONCURRENCY,
  JSON_OUT,
  ONLY,
  type OptionTable,
  PROJECT,
  SIMULATE,
  VERIFY,
  WAIT,
  durationMs,
  originOption,
  remoteUrlOption,
  usdAmount,
  wholeNumber,
} from "./option-spec.js";

/**
 * One command: its name, its arguments, what it does and exactly which options it takes
 * (anything else is a usage error, exit 2). `run` is imported lazily so that a command loads
 * only what it needs. To add a command, add one entry to COMMANDS.
 */
export interface CommandSpec {
  name: string;
  /** Positional arguments as shown in usage, e.g. "merge [BASE OURS THEIRS]". */
  args?: string;
  summary: string;
  options: OptionTable;
  run: (args: CliArgs, io: Io) => Promise<number>;
}

export const COMMANDS: CommandSpec[] = [
  {
    name: "init",
    summary: "write a config, an example manifest and a .gitignore that build on the simulator",
    options: {
      cwd: PROJECT.cwd,
      remote: {
        type: "string",
        value: "s3://BUCKET/PREFIX",
        help: "also write a remote: block for this S3-compatible store and ignore generated/ in .gitignore (commit only the lockfile; `pull` after a clone)",
        parse: remoteUrlOption,
      },
    },
    run: async (a, io) => (await import("./init-command.js")).initCommand(a, io),
  },
  {
    name: "build",
    summary: "generate every asset whose spec changed; write images and the lockfile",
    options: {
      ...PROJECT,
      ...ONLY,
      ...CONCURRENCY,
      ...SIMULATE,
      ...VERIFY,
      ...JSON_OUT,
      check: {
        type: "boolean",
        help: "CI: no network, no writes; exit 1 listing assets that are missing, stale, orphaned, simulated or (with --verify) modified",
      },
      "dry-run": { type: "boolean", help: "the same as nanobanana plan: spend nothing, write nothing" },
      "max-cost": {
        type: "string",
        value: "USD",
        parse: usdAmount,
        help: "refuse a build whose estimate is over USD (default budget.maxUsd); never spend + commit more than USD while building",
      },
      "fit-budget": { type: "boolean", help: "with a cap: build what fits instead of refusing; the rest is skipped" },
      placeholders: {
        type: "boolean",
        help: "write a labelled stand-in at the right pixel size for every asset with no output yet; $0, nothing submitted, the lockfile untouched",
      },
      "retry-rejected": {
        type: "boolean",
        help: "pay again for assets whose earlier image failed the quality gates (otherwise they stay rejected, never paid twice unasked)",
      },
      yes: { type: "boolean", help: "do not ask before spending more than confirmAboveUsd (a build without a terminal never asks)" },
      ...WAIT,
      batch: {
        type: "boolean",
        help: "generate through Google's Batch API (provider: gemini): half the price, results within 24 hours",
      },
      "no-wait": { type: "boolean", help: "batch mode: create the jobs and exit; a later build collects them (status shows them)" },
      plan: {
        type: "string",
        value: "FILE",
        help: "generate exactly the assets of a plan saved with plan --out; refuse (exit 2, naming what changed) when the project no longer produces it",
      },
      remote: { type: "boolean", help: "with --check: also check that the remote store holds every lock entry (no download)" },
      shard: {
        type: "string",
        value: "I/N",
        parse: (v) => parseShard(v),
        help: "build share I of N of the work (dependency chains stay together) and push it; a final plain build restores every share from the remote",
      },
    },
    run: async (a, io) =>
      (await (await import("./quick-build.js")).quickBuild(a, io)) ?? (await import("./commands.js")).buildCommand(a, io),
  },
  {
    name: "plan",
    summary: "show what a build would do and what it would cost (writes nothing)",
    options: {
      ...PROJECT,
      ...ONLY,
      ...SIMULATE,
      ...VERIFY,
      ...JSON_OUT,
      out: {
        type: "string",
        value: "FILE",
        help: "also save the assets to generate (name, spec hash, provider, model, price) for build --plan FILE",
      },
    },
    run: async (a, io) => (await import("./commands.js")).planCommand(a, io),
  },
  {
    name: "diff",
    args: "[REF]",
    summary:
      "assets added, changed (which spec fields) and removed since a git ref (default HEAD), with what each change took or would take",
    options: { ...PROJECT, ...SIMULATE, ...JSON_OUT },
    run: async (a, io) => (await import("./diff-command.js")).diffCommand(a, io),
  },
  {
    name: "watch",
    summary: "build, then rebuild what each save changes (q or Ctrl-C to stop)",
    options: {
      ...PROJECT,
      ...CONCURRENCY,
      ...SIMULATE,
      serve: {
        type: "boolean",
        help: "also serve a live page on 127.0.0.1 (its URL carries a random token): new images appear as they land",
      },
      port: { type: "string", value: "N", parse: wholeNumber, help: "port of the live page (default: a free one)" },
    },
    run: async (a, io) => (await import("./watch-command.js")).watchCommand(a, io),
  },
  {
    name: "report",
    summary: "write an HTML contact sheet of every asset (works offline; default folder .nanobanana/report)",
    options: {
      ...PROJECT,
      ...SIMULATE,
      ...JSON_OUT,
      since: { type: "string", value: "REF", help: "show before and after for every asset whose lock entry changed since this git ref" },
      out: { type: "string", value: "DIR", help: "write the page and its thumbnails to DIR (default .nanobanana/report)" },
    },
    run: async (a, io) => (await import("./report-command.js")).reportCommand(a, io),
  },
  {
    name: "pick",
    args: "NAME [K]",
    summary: "make take K of an asset with candidates its output (a copy; pays for nothing) and record the pick in the lockfile",
    options: {
      ...PROJECT,
      ...JSON_OUT,
      ...WAIT,
      clear: { type: "boolean", help: "remove the pick: the output is take 1 again" },
    },
    run: async (a, io) => (await import("./pick-command.js")).pickCommand(a, io),
  },
  {
    name: "status",
    summary: "what the lockfile holds, by provider and model, and the total spend; batch jobs in flight with their state and counts",
    options: { ...PROJECT, ...SIMULATE, ...JSON_OUT },
    run: async (a, io) => (await import("./safety-commands.js")).statusCommand(a, io),
  },
  {
    name: "pull",
    summary: "make the outputs match the lockfile from the local store or the remote store (sha256 checked); pays for nothing",
    options: { ...PROJECT, ...ONLY, ...CONCURRENCY, ...SIMULATE, ...JSON_OUT, ...WAIT },
    run: async (a, io) => (await import("./remote-commands.js")).pullCommand(a, io),
  },
  {
    name: "push",
    summary: "upload every image the lockfile names that the remote store lacks",
    options: { ...PROJECT, ...ONLY, ...CONCURRENCY, ...JSON_OUT },
    run: async (a, io) => (await import("./remote-commands.js")).pushCommand(a, io),
  },
  {
    name: "tasks",
    args: "[forget ID]",
    summary: "list journalled tasks (submitted, not yet collected) with age and state; `forget ID` settles one and says what it costs",
    options: {
      ...PROJECT,
      ...JSON_OUT,
      "dry-run": { type: "boolean", help: "with forget: say what it would cost, change nothing" },
    },
    run: async (a, io) => (await import("./tasks-command.js")).tasksCommand(a, io),
  },
  {
    name: "gc",
    summary: "remove outputs, stored images and lock entries no manifest asks for",
    options: {
      ...PROJECT,
      ...JSON_OUT,
      "dry-run": { type: "boolean", help: "list what would be removed, remove nothing" },
      ...WAIT,
      "older-than": {
        type: "string",
        value: "AGE",
        parse: durationMs,
        help: "remove only stored images (history) stored longer ago than AGE, e.g. 30d, 12h, 2w; recent history stays",
      },
    },
    run: async (a, io) => (await import("./safety-commands.js")).gcCommand(a, io),
  },
  {
    name: "batch",
    args: "cancel",
    summary: "cancel the project's running batch jobs and say what was already paid (the next build collects what they finished)",
    options: { ...PROJECT, ...SIMULATE, ...JSON_OUT },
    run: async (a, io) => (await import("./batch-command.js")).batchCommand(a, io),
  },
  {
    name: "lock",
    args: "merge [BASE OURS THEIRS]",
    summary:
      "merge lockfiles by asset name (a git merge driver); with no files, resolve the conflict markers in the project's lockfile in place",
    options: {
      ...PROJECT,
      output: {
        type: "string",
        short: "o",
        value: "OUT",
        help: "write the merged lockfile here (default: OURS, or the project's lockfile)",
      },
    },
    run: async (a, io) => (await import("./safety-commands.js")).lockCommand(a, io),
  },
  {
    name: "simulator",
    summary: "run the built-in provider simulator as a standalone server",
    options: {
      port: { type: "string", value: "N", parse: wholeNumber, help: "port to listen on (default 4010; 0 picks a free one, printed)" },
      "latency-ms": { type: "string", value: "N", parse: wholeNumber, help: "how long each task takes (default 400)" },
      "batch-latency-ms": { type: "string", value: "N", parse: wholeNumber, help: "how long a Batch API job runs (default 2000)" },
      idempotency: { type: "boolean", help: "honour Idempotency-Key on submits (off by default: not documented for APIDot)" },
      faults: {
        type: "string",
        value: "SPEC",
        help: 'inject faults and enforce limits, e.g. "apidot.submit:429=0.2,*:reset=5%,files:truncate=0.1,apidot:rpm=60"',
      },
      seed: { type: "string", value: "N", parse: wholeNumber, help: "seed of the fault pattern (default 1)" },
      "fetch-origin": {
        type: "string",
        multiple: true,
        value: "ORIGIN",
        parse: originOption,
        help: "download reference URLs of this origin when a task is submitted, as the real service would (e.g. a local S3 server handing out presigned URLs); repeatable",
      },
    },
    run: async (a, io) => (await import("./commands.js")).simulatorCommand(a, io),
  },
  {
    name: "schema",
    summary: "print (or --write) the JSON Schemas of the config and manifest files",
    options: { write: { type: "boolean", help: "write them into the package's schema/ folder" } },
    run: async (a, io) => (await import("./commands.js")).schemaCommand(a, io),
  },
];

export function findCommand(name: string): CommandSpec | undefined {
  return COMMANDS.find((c) => c.name === name);
}
