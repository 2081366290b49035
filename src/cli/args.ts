import { parseArgs } from "node:util";
import { UserError } from "../core/errors/user-error.js";

export const USAGE = `nanobanana: build image assets from YAML manifests

Usage: nanobanana <command> [options]

Commands:
  init                  write a config and an example manifest that build on the simulator
  build                 generate every asset whose spec changed; write images and the lockfile
  plan                  show what a build would do and what it would cost (writes nothing)
  watch                 build, then rebuild what each save changes (q or Ctrl-C to stop)
  status                what the lockfile holds, by provider and model, and the total spend;
                        batch jobs in flight with their state and counts
  batch cancel          cancel the project's running batch jobs; says what was already paid
  gc                    remove outputs, stored images and lock entries no manifest asks for
  lock merge [BASE OURS THEIRS] [-o OUT]
                        merge lockfiles by asset name (a git merge driver); with no files,
                        resolve the conflict markers in the project's lockfile in place
  simulator             run the built-in provider simulator as a standalone server
  schema                print (or --write) the JSON Schemas of the config and manifest files

Options:
  -C, --cwd DIR         project folder (default: the current folder)
      --config FILE     config file (default: nanobanana.config.yaml)
      --only GLOB       only assets whose name matches (repeatable), e.g. "hero/*"
      --concurrency N   most assets in flight at once
      --simulate        build on the built-in simulator: no key, no network, no cost
      --verify          re-hash output files instead of trusting their size
      --json            print one JSON object on stdout
  build:
      --check           CI: no network, no writes; exit 1 listing assets that are missing,
                        stale, orphaned, simulated or (with --verify) modified
      --max-cost USD    refuse a build whose estimate is over USD (default budget.maxUsd);
                        never spend + commit more than USD while building
      --fit-budget      with a cap: build what fits instead of refusing
      --wait            wait for another build in this project instead of stopping
      --batch           generate through Google's Batch API (provider: gemini): half price,
                        results within 24 hours
      --no-wait         with --batch: create the jobs and exit; a later build (or status)
                        picks them up
  gc:
      --dry-run         list what would be removed, remove nothing
  simulator:
      --port N          port to listen on (default 4010; 0 picks a free one, printed)
      --latency-ms N    how long each task takes (default 400)
      --batch-latency-ms N
                        how long a Batch API job runs (default 2000)
      --idempotency     honour Idempotency-Key on submits (off by default: not documented for APIDot)
      --faults SPEC     inject faults and enforce limits, e.g.
                        "apidot.submit:429=0.2,*:reset=5%,files:truncate=0.1,apidot:rpm=60"
      --seed N          seed of the fault pattern (default 1)
  -h, --help            show this help
  -v, --version         print the version

Exit codes: 0 all good; 1 some assets failed or are out of date (or a lock merge needs a look);
2 configuration or usage error, another build running, or the estimate over the budget.`;

export interface CliArgs {
  command: string;
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
  maxCost?: number;
  fitBudget: boolean;
  dryRun: boolean;
  output?: string;
  port?: number;
  latencyMs?: number;
  idempotency: boolean;
  faults?: string;
  seed?: number;
  help: boolean;
  version: boolean;
  rest: string[];
}

function parseArgv(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      cwd: { type: "string", short: "C" },
      config: { type: "string" },
      only: { type: "string", multiple: true },
      concurrency: { type: "string" },
      simulate: { type: "boolean" },
      verify: { type: "boolean" },
      json: { type: "boolean" },
      write: { type: "boolean" },
      check: { type: "boolean" },
      wait: { type: "boolean" },
      batch: { type: "boolean" },
      "no-wait": { type: "boolean" },
      "batch-latency-ms": { type: "string" },
      "max-cost": { type: "string" },
      "fit-budget": { type: "boolean" },
      "dry-run": { type: "boolean" },
      output: { type: "string", short: "o" },
      port: { type: "string" },
      "latency-ms": { type: "string" },
      idempotency: { type: "boolean" },
      faults: { type: "string" },
      seed: { type: "string" },
      help: { type: "boolean", short: "h" },
      version: { type: "boolean", short: "v" },
    },
  });
}

export function parseCli(argv: string[]): CliArgs {
  let parsed: ReturnType<typeof parseArgv>;
  try {
    parsed = parseArgv(argv);
  } catch (err) {
    throw new UserError(`${(err as Error).message}\nRun nanobanana --help for the options.`);
  }
  const v = parsed.values;
  return {
    command: parsed.positionals[0] ?? (v.help || v.version ? "" : "build"),
    rest: parsed.positionals.slice(1),
    cwd: v.cwd ?? process.cwd(),
    config: v.config,
    only: v.only ?? [],
    concurrency: v.concurrency !== undefined ? positiveInt("--concurrency", v.concurrency) : undefined,
    simulate: v.simulate ?? false,
    verify: v.verify ?? false,
    json: v.json ?? false,
    write: v.write ?? false,
    check: v.check ?? false,
    wait: v.wait ?? false,
    batch: v.batch ?? false,
    noWait: v["no-wait"] ?? false,
    batchLatencyMs: v["batch-latency-ms"] !== undefined ? positiveInt("--batch-latency-ms", v["batch-latency-ms"], true) : undefined,
    maxCost: v["max-cost"] !== undefined ? usdAmount("--max-cost", v["max-cost"]) : undefined,
    fitBudget: v["fit-budget"] ?? false,
    dryRun: v["dry-run"] ?? false,
    output: v.output,
    port: v.port !== undefined ? positiveInt("--port", v.port, true) : undefined,
    latencyMs: v["latency-ms"] !== undefined ? positiveInt("--latency-ms", v["latency-ms"], true) : undefined,
    idempotency: v.idempotency ?? false,
    faults: v.faults,
    seed: v.seed !== undefined ? positiveInt("--seed", v.seed, true) : undefined,
    help: v.help ?? false,
    version: v.version ?? false,
  };
}

function positiveInt(flag: string, value: string, zeroOk = false): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < (zeroOk ? 0 : 1))
    throw new UserError(`${flag} takes a whole number${zeroOk ? "" : " of at least 1"}, not ${JSON.stringify(value)}`);
  return n;
}

function usdAmount(flag: string, value: string): number {
  const n = Number(value.replace(/^\$/, ""));
  if (!Number.isFinite(n) || n <= 0)
    throw new UserError(`${flag} takes an amount in USD above 0, e.g. 5 or 2.50, not ${JSON.stringify(value)}`);
  return n;
}
