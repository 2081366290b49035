import { mkdirSync, writeFileSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { jsonSchemas } from "../config/json-schema.js";
import { build, planProject } from "../execute/build.js";
import { loadProject } from "../project/load.js";
import { describeFaults, parseFaults } from "../simulator/fault-syntax.js";
import { startSimulator } from "../simulator/server.js";
import type { CliArgs } from "./args.js";
import { ProgressRenderer, planLines, summaryLines } from "./render.js";
import { makeStyle } from "./style.js";

export interface Io {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
}

function load(args: CliArgs) {
  return loadProject({ cwd: args.cwd, config: args.config, overrides: { simulate: args.simulate || undefined } });
}

export async function planCommand(args: CliArgs, io: Io): Promise<number> {
  const project = load(args);
  const p = await planProject(project, { verify: args.verify, only: args.only });
  if (args.json) {
    const assets = p.items.map(({ name, action, reason, hash, estimatedUsd }) => ({ name, action, reason, hash, estimatedUsd }));
    io.stdout.write(`${JSON.stringify({ estimatedUsd: p.estimatedUsd, simulate: p.simulate, provider: p.provider, counts: p.counts, assets }, null, 2)}\n`);
  } else {
    for (const line of planLines(p, makeStyle(io.stdout, io.env))) io.stdout.write(`${line}\n`);
  }
  return 0;
}

export async function buildCommand(args: CliArgs, io: Io): Promise<number> {
  const project = load(args);
  const style = makeStyle(io.stderr, io.env);
  const renderer = args.json ? undefined : new ProgressRenderer(io.stderr, style);
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(130);
    io.stderr.write("\ninterrupted: finishing what is in flight is skipped; submitted tasks are recorded and the next build collects them (Ctrl-C again to quit now)\n");
    controller.abort(new Error("interrupted"));
  };
  process.on("SIGINT", onSigint);
  try {
    const result = await build(project, { concurrency: args.concurrency, only: args.only, verify: args.verify, onEvent: renderer?.handle, signal: controller.signal, env: io.env });
    renderer?.end();
    if (args.json) {
      const { generated, upToDate, failed, blocked, costUsd, simulated, costByModel, warnings, possibleDuplicates } = result;
      const assets = result.assets.map(({ name, status, output, hash, taskId, costUsd: c, error }) => ({ name, status, output, hash, taskId, costUsd: c, ...(error ? { error } : {}) }));
      io.stdout.write(`${JSON.stringify({ generated, upToDate, failed, blocked, costUsd, simulated, costByModel, warnings, possibleDuplicates, assets }, null, 2)}\n`);
    } else {
      for (const line of summaryLines(result, style)) io.stderr.write(`${line}\n`);
    }
    return result.failed > 0 || result.blocked > 0 ? 1 : 0;
  } finally {
    process.off("SIGINT", onSigint);
  }
}

export async function simulatorCommand(args: CliArgs, io: Io): Promise<number> {
  const faults = args.faults !== undefined ? parseFaults(args.faults) : undefined;
  const sim = await startSimulator({ port: args.port ?? 4010, latencyMs: args.latencyMs, faults, seed: args.seed });
  io.stdout.write(`nanobanana simulator listening on ${sim.url}\n  ledger: ${sim.url}/__simulator/ledger\n${faults ? `  faults: ${describeFaults(faults)} (seed ${args.seed ?? 1}); counts at ${sim.url}/__simulator/faults\n` : ""}  point a provider at it with providers.<name>.baseUrl or NANOBANANA_<NAME>_BASE_URL\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  await sim.close();
  return 0;
}

/** The package's own folder (schema/ lives there). */
export function packageRoot(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
}

export async function schemaCommand(args: CliArgs, io: Io): Promise<number> {
  const schemas = jsonSchemas();
  if (!args.write) {
    io.stdout.write(`${JSON.stringify(schemas, null, 2)}\n`);
    return 0;
  }
  const dir = path.join(packageRoot(), "schema");
  mkdirSync(dir, { recursive: true });
  for (const [name, schema] of Object.entries(schemas)) {
    writeFileSync(path.join(dir, name), `${JSON.stringify(schema, null, 2)}\n`);
    io.stdout.write(`wrote schema/${name}\n`);
  }
  return 0;
}

export function version(): string {
  return (JSON.parse(readFileSync(path.join(packageRoot(), "package.json"), "utf8")) as { version: string }).version;
}
