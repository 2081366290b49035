import { parseArgs } from "node:util";
import { UserError } from "../errors/user-error.js";

export const USAGE = `nanobanana: build image assets from YAML manifests

Usage: nanobanana <command> [options]

Commands:
  build                 generate every asset whose spec changed; write images and the lockfile
  plan                  show what a build would do and what it would cost (writes nothing)
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
  simulator:
      --port N          port to listen on (default 4010)
      --latency-ms N    how long each task takes (default 400)
      --faults SPEC     inject faults and enforce limits, e.g.
                        "apidot.submit:429=0.2,*:reset=5%,files:truncate=0.1,apidot:rpm=60"
      --seed N          seed of the fault pattern (default 1)
  -h, --help            show this help
  -v, --version         print the version

Exit codes: 0 all good; 1 some assets failed or are out of date; 2 configuration or usage error.`;

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
  port?: number;
  latencyMs?: number;
  faults?: string;
  seed?: number;
  help: boolean;
  version: boolean;
  rest: string[];
}

export function parseCli(argv: string[]): CliArgs {
  let parsed;
  try {
    parsed = parseArgs({
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
        port: { type: "string" },
        "latency-ms": { type: "string" },
        faults: { type: "string" },
        seed: { type: "string" },
        help: { type: "boolean", short: "h" },
        version: { type: "boolean", short: "v" },
      },
    });
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
    port: v.port !== undefined ? positiveInt("--port", v.port, true) : undefined,
    latencyMs: v["latency-ms"] !== undefined ? positiveInt("--latency-ms", v["latency-ms"], true) : undefined,
    faults: v.faults,
    seed: v.seed !== undefined ? positiveInt("--seed", v.seed, true) : undefined,
    help: v.help ?? false,
    version: v.version ?? false,
  };
}

function positiveInt(flag: string, value: string, zeroOk = false): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < (zeroOk ? 0 : 1)) throw new UserError(`${flag} takes a whole number${zeroOk ? "" : " of at least 1"}, not ${JSON.stringify(value)}`);
  return n;
}
