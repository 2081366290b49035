import { setMaxListeners } from "node:events";
import { mkdirSync, writeFileSync, readFileSync } from "node:fs";
import path from "node:path";
import { build, planProject } from "../engine/build/build.js";
import { loadProject, savePendingCache } from "../engine/load/load.js";
import { packageRoot, packageVersion } from "../engine/load/package-root.js";
import type { Project } from "../core/project.js";
import type { Plan } from "../core/plan/types.js";
import { type PlanFile, parsePlanFile, serializePlanFile, toPlanFile } from "../core/plan/plan-file.js";
import { UserError } from "../core/errors/user-error.js";
import type { CliArgs } from "./cli-args.js";
import { InProcessSimulator } from "./in-process-simulator.js";
import type { Io } from "./io.js";

export type { Io };
import { ProgressRenderer, planLines, summaryLines } from "./render.js";
import { makeStyle } from "./style.js";
import { BudgetExceededError } from "../engine/build/budget.js";
import type { BuildEvent } from "../engine/build/events.js";
import type { BatchJobReport } from "../engine/batch/types.js";
import { budgetLines, reportToCi } from "./ci-report.js";
import { checkCommand } from "./safety-commands.js";
import { spendQuestion } from "./confirm.js";
import { NotConfirmedError } from "../engine/build/not-confirmed.js";
import { buildJson, loadOverrides } from "./build-output.js";
import { httpReferenceOrigins } from "./reference-origins.js";
import { reclaimMemory } from "./reclaim-memory.js";
import { writeJson } from "./json-out.js";

/** Plans of at least this many items collect their project's garbage before writing (a smaller one is a few MB). */
const RECLAIM_AT = 10_000;

/** The project; a build writes the expansion cache once its first requests are sent, other commands at once. */
function load(args: CliArgs, persistCache: true | "after-first-requests" = true) {
  return loadProject({ cwd: args.cwd, config: args.config, overrides: loadOverrides(args), persistCache });
}

export async function planCommand(args: CliArgs, io: Io): Promise<number> {
  // The project is not kept: once planned, its expanded assets are garbage, and a large plan
  // collects them before writing (100,000 assets: ~55 MB, ~20 MB off the peak RSS, for ~40 ms).
  const p = await planProject(load(args), { verify: args.verify, only: args.only, retryRejected: args.retryRejected });
  if (p.items.length >= RECLAIM_AT) reclaimMemory();
  const saved = args.out ? savePlan(p, args) : undefined;
  if (args.json) {
    const assets = p.assets;
    await writeJson(
      io.stdout,
      {
        estimatedUsd: p.estimatedUsd,
        simulate: p.simulate,
        provider: p.provider,
        counts: p.counts,
        ...(p.needs ? { needs: p.needs } : {}),
        assets,
        ...(p.derived ? { derived: p.derived, derivedCounts: p.derivedCounts } : {}),
        ...(p.alt ? { alt: p.alt, altUsd: p.altUsd } : {}),
      },
      { assets: ["name", "action", "reason", "hash", "estimatedUsd"] },
    );
  } else {
    for (const line of planLines(p, makeStyle(io.stdout, io.env))) io.stdout.write(`${line}\n`);
  }
  if (saved) io.stderr.write(`${saved}\n`);
  return 0;
}

/** `plan --out FILE`: writes the plan file; returns the line that says so. */
function savePlan(p: Plan, args: CliArgs): string {
  const file = toPlanFile(p, args.only);
  const out = path.resolve(args.cwd, args.out!);
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, serializePlanFile(file));
  const shown = path.relative(process.cwd(), out) || out;
  return `saved the plan to ${shown}: ${file.assets.length} asset${file.assets.length === 1 ? "" : "s"} to generate, estimated $${file.estimatedUsd.toFixed(2)}; apply it with nanobanana build --plan ${shown}`;
}

/** `build --plan FILE`: the saved plan, read and checked. */
function readPlan(args: CliArgs): PlanFile {
  if (args.only.length) throw new UserError("build --plan takes no --only: the plan holds the selection it was made with");
  const file = path.resolve(args.cwd, args.plan!);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new UserError(`${args.plan}: no such plan file; make one with nanobanana plan --out ${args.plan}`);
  }
  return parsePlanFile(text, args.plan!);
}

export async function buildCommand(args: CliArgs, io: Io): Promise<number> {
  if (args.check) return checkCommand(args, io);
  if (args.dryRun) return planCommand(args, io); // the conventional spelling of `plan`
  if (args.placeholders) return placeholdersCommand(args, io);
  const plan = args.plan !== undefined ? readPlan(args) : undefined;
  const project = load(args, "after-first-requests");
  const style = makeStyle(io.stderr, io.env);
  const renderer = args.json ? undefined : new ProgressRenderer(io.stderr, style);
  const controller = new AbortController();
  // One listener per asset waiting for a slot or a poll (as watch mode's builds): at
  // concurrency 16 Node would warn of a leak on stderr.
  setMaxListeners(0, controller.signal);
  const onSigint = () => {
    // Second Ctrl-C: quit now. Every task id already recorded stays in .nanobanana/tasks.
    if (controller.signal.aborted) process.exit(130);
    io.stderr.write(
      "\ninterrupted: no new submits; tasks in flight are recorded and the next build collects them (Ctrl-C again to quit at once)\n",
    );
    controller.abort(new Error("interrupted"));
  };
  process.on("SIGINT", onSigint);
  const simulator = new InProcessSimulator();
  try {
    const onEvent =
      renderer?.handle ??
      ((e: BuildEvent) =>
        e.type === "waiting" &&
        io.stderr.write(`another nanobanana ${e.holder.command} is running here (pid ${e.holder.pid}); waiting for it…\n`));
    const opts = {
      simulatorUrl: simulator.url,
      concurrency: args.concurrency,
      only: args.only,
      verify: args.verify,
      onEvent,
      signal: controller.signal,
      env: io.env,
      wait: args.wait,
      noWait: args.noWait,
      reclaimMemory,
      maxCostUsd: args.maxCost,
      fitBudget: args.fitBudget,
      retryRejected: args.retryRejected,
      plan,
      confirm: spendQuestion(project, args, io),
      shard: args.shard,
      httpReferenceOrigins: httpReferenceOrigins(io.env),
    };
    const result = await build(project, opts).catch((err: unknown) => {
      if (err instanceof BudgetExceededError) for (const line of budgetLines(err)) io.stderr.write(`${line}\n`);
      if (err instanceof NotConfirmedError) return err;
      throw err;
    });
    if (result instanceof NotConfirmedError) {
      io.stderr.write(`${result.message}\n`);
      return 1;
    }
    renderer?.end();
    if (args.json) {
      io.stdout.write(buildJson(result));
    } else {
      for (const line of summaryLines(result, style)) io.stderr.write(`${line}\n`);
      if (result.interrupted) io.stderr.write(`${interruptedLine(project, result.leftRunning, io.env)}\n`);
      for (const line of batchLines(result.batchJobs ?? [])) io.stderr.write(`${line}\n`);
    }
    reportToCi(project, result, io);
    if (result.interrupted) return 130;
    return result.failed > 0 || result.blocked > 0 || result.rejected > 0 || result.journalError ? 1 : 0;
  } finally {
    process.off("SIGINT", onSigint);
    savePendingCache(project); // when the build sent no request (its inputs did not change what to make)
    await simulator.close();
  }
}

/** `build --placeholders`: stand-ins for the assets with no output yet, at $0. */
async function placeholdersCommand(args: CliArgs, io: Io): Promise<number> {
  const { writePlaceholders } = await import("../engine/placeholders/write-placeholders.js");
  const r = await writePlaceholders(load(args), { only: args.only, wait: args.wait });
  if (args.json) {
    io.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
    return 0;
  }
  const style = makeStyle(io.stderr, io.env);
  for (const w of r.written)
    io.stderr.write(`${style.dim("▢")} ${w.name} → ${w.output} ${style.dim(`${w.width}×${w.height} placeholder`)}\n`);
  io.stderr.write(
    `${r.written.length} placeholder${r.written.length === 1 ? "" : "s"} written, ${r.present} asset${r.present === 1 ? "" : "s"} already with an output; $0, nothing recorded in the lockfile (the next build generates them)\n`,
  );
  return 0;
}

export async function simulatorCommand(args: CliArgs, io: Io): Promise<number> {
  const { startSimulator } = await import("../simulator/server.js");
  const { describeFaults, parseFaults } = await import("../simulator/fault-syntax.js");
  const faults = args.faults !== undefined ? parseFaults(args.faults) : undefined;
  const sim = await startSimulator({
    port: args.port ?? 4010,
    latencyMs: args.latencyMs,
    batchLatencyMs: args.batchLatencyMs,
    idempotency: args.idempotency,
    faults,
    seed: args.seed,
    fetchOrigins: args.fetchOrigin,
  });
  io.stdout.write(
    `nanobanana simulator listening on ${sim.url}\n  ledger: ${sim.url}/__simulator/ledger\n` +
      (faults ? `  faults: ${describeFaults(faults)} (seed ${args.seed ?? 1}); counts at ${sim.url}/__simulator/faults\n` : "") +
      (args.fetchOrigin.length ? `  downloads reference URLs of ${args.fetchOrigin.join(", ")}\n` : "") +
      `  simulated builds use it with NANOBANANA_SIMULATOR_URL=${sim.url} (or simulator.url in the config)\n  or point a provider at it with providers.<name>.baseUrl or NANOBANANA_<NAME>_BASE_URL\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  await sim.close();
  return 0;
}

export async function schemaCommand(args: CliArgs, io: Io): Promise<number> {
  const { jsonSchemas } = await import("../core/config/json-schema.js");
  const schemas = jsonSchemas();
  if (!args.write) {
    io.stdout.write(`${JSON.stringify(schemas, null, 2)}\n`);
    return 0;
  }
  const root = packageRoot();
  if (!root) throw new Error("schema --write runs inside the nanobanana package (its package.json was not found)");
  const dir = path.join(root, "schema");
  mkdirSync(dir, { recursive: true });
  for (const [name, schema] of Object.entries(schemas)) {
    writeFileSync(path.join(dir, name), `${JSON.stringify(schema, null, 2)}\n`);
    io.stdout.write(`wrote schema/${name}\n`);
  }
  return 0;
}

export function version(): string {
  return packageVersion();
}

/** One line per batch job: its state and counts. */
export function batchLines(jobs: BatchJobReport[]): string[] {
  return jobs.map(
    (j) =>
      `batch ${j.jobName ?? j.displayName} (${j.modelId}): ${j.state.toLowerCase()}, ${j.requests} request${j.requests === 1 ? "" : "s"}${j.succeeded || j.failed ? `, ${j.succeeded} succeeded, ${j.failed} failed` : ""}${j.pending ? `, ${j.pending} pending` : ""}`,
  );
}

/** What Ctrl-C left behind, and what the next build does about it. */
function interruptedLine(project: Project, left: number, env: NodeJS.ProcessEnv): string {
  const tasks = `${left} task${left === 1 ? "" : "s"}`;
  if (left === 0) return "interrupted: no task was left running";
  if (project.config.simulate && !(env.NANOBANANA_SIMULATOR_URL || project.config.simulator?.url)) {
    return `interrupted: ${tasks} were running on the in-process simulator, which stopped with this build; the next build submits them again (nothing real was charged)`;
  }
  return `interrupted: ${tasks} left running at ${project.config.provider}; they are recorded in .nanobanana/tasks and the next build collects them without paying again`;
}
