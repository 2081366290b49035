import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { checkPlan } from "../core/check/check.js";
import { checkAnnotations, onGitHubActions, writeCheckSummary } from "./github-summary.js";
import { UserError } from "../core/errors/user-error.js";
import { planProject, stateDir } from "../engine/build/build.js";
import { type ConflictSides, hasConflictMarkers, splitConflict } from "../core/lock/conflict-markers.js";
import { mergeLocks, type MergeResult } from "../core/lock/merge.js";
import { parseLock } from "../core/lock/parse.js";
import { serializeLock } from "../core/lock/serialize.js";
import { emptyLock, type Lockfile } from "../core/lock/types.js";
import { gc } from "../engine/maintain/gc.js";
import { projectStatus } from "../engine/maintain/status.js";
import { BatchJournal, type BatchRecord } from "../engine/batch/job-journal.js";
import { batchJobs, type JobStatus } from "../engine/batch/jobs.js";
import { loadProject } from "../engine/load/load.js";
import type { Project } from "../core/project.js";
import { writeFileAtomic } from "../engine/state/atomic-write.js";
import type { CliArgs } from "./cli-args.js";
import type { Io } from "./io.js";
import { makeStyle, plural, usd } from "./style.js";

function load(args: CliArgs): Project {
  return loadProject({ cwd: args.cwd, config: args.config, overrides: { simulate: args.simulate || undefined }, persistCache: true });
}

/** `build --check`: no network, no writes; exit 1 with a list when anything is out of date. */
export async function checkCommand(args: CliArgs, io: Io): Promise<number> {
  const project = load(args);
  const report = checkPlan(project, await planProject(project, { verify: args.verify, only: args.only }));
  const notInRemote = args.remote ? await (await import("./remote-commands.js")).notInRemote(args) : [];
  if (args.json) {
    const remote = args.remote ? { notInRemote } : {};
    io.stdout.write(
      `${JSON.stringify({ ok: report.ok && !notInRemote.length, checked: report.checked, problems: report.problems, ...remote }, null, 2)}\n`,
    );
  } else {
    for (const n of notInRemote) io.stdout.write(`not in remote  ${n}  (run nanobanana push)\n`);
    const style = makeStyle(io.stdout, io.env);
    for (const p of report.problems) {
      const where = p.source ? `${p.source.file}:${p.source.line}:${p.source.col}  ` : "";
      io.stdout.write(`${style.red(p.kind.padEnd(14))} ${p.name}  ${style.dim(where)}${p.message}\n`);
    }
    io.stdout.write(
      report.ok
        ? `all ${plural(report.checked, "asset")} match the lockfile and their files\n`
        : `${report.problems.length} of ${plural(report.checked, "asset")} ${report.problems.length === 1 ? "is" : "are"} not up to date; run nanobanana build (or nanobanana gc for orphans)\n`,
    );
  }
  if (onGitHubActions(io.env)) {
    for (const line of checkAnnotations(project, report.problems, io.env)) io.stdout.write(`${line}\n`);
    writeCheckSummary(report, io.env);
  }
  return report.ok && !notInRemote.length ? 0 : 1;
}

export async function statusCommand(args: CliArgs, io: Io): Promise<number> {
  const project = load(args);
  const s = projectStatus(project, stateDir(project));
  const { jobs, rejected } = await batchJobStatus(project, io);
  if (args.json) {
    const batch = { ...(jobs.length ? { batchJobs: jobs } : {}), ...(rejected.length ? { batchRejected: rejected } : {}) };
    io.stdout.write(`${JSON.stringify({ ...s, ...batch }, null, 2)}\n`);
    return 0;
  }
  const style = makeStyle(io.stdout, io.env);
  io.stdout.write(
    `${path.relative(process.cwd(), project.lockfile) || project.lockfile}: ${plural(s.assets, "asset")}, ${usd(s.totalUsd)} spent${s.simulatedUsd ? ` (${usd(s.simulatedUsd)} of it simulated, not charged)` : ""}\n`,
  );
  for (const g of s.groups) {
    io.stdout.write(
      `  ${`${g.provider} ${g.model}`.padEnd(28)} ${plural(g.assets, "asset").padStart(12)}  ${usd(g.usd).padStart(10)}${g.simulated ? style.dim(`  ${g.simulated} simulated`) : ""}\n`,
    );
  }
  if (s.orphaned)
    io.stdout.write(
      style.yellow(
        `${plural(s.orphaned, "lock entry", "lock entries")} ${s.orphaned === 1 ? "is" : "are"} in no manifest (nanobanana gc drops them)\n`,
      ),
    );
  if (s.pendingTasks)
    io.stdout.write(style.yellow(`${s.pendingTasks} submitted tasks not yet collected; the next build collects them at no extra cost\n`));
  for (const j of jobs)
    io.stdout.write(
      `batch ${j.jobName ?? j.displayName} (${j.modelId}): ${j.state.toLowerCase()}, ${j.requests} requests, ${j.succeeded} succeeded, ${j.failed} failed, ${j.pending} pending${j.problem ? ` (${j.problem})` : ""}\n`,
    );
  if (jobs.length)
    io.stdout.write(style.yellow(`the next build collects finished batch jobs (and waits for running ones unless --no-wait)\n`));
  for (const r of rejected)
    io.stdout.write(style.yellow(`ignored ${r.file}: ${r.problem} (left in place; delete it if you did not write it)\n`));
  return 0;
}

/**
 * The project's batch jobs as the provider reports them now (none without a journal, or off
 * Gemini), and the journal files refused as not ours (project-relative).
 */
async function batchJobStatus(project: Project, io: Io): Promise<{ jobs: JobStatus[]; rejected: { file: string; problem: string }[] }> {
  const journal = new BatchJournal(stateDir(project));
  const records = project.config.provider === "gemini" ? journal.load() : [];
  const rejected = journal.rejected.map((r) => ({ ...r, file: path.relative(project.root, r.file) }));
  return { jobs: await askedJobs(project, io, records), rejected };
}

async function askedJobs(project: Project, io: Io, records: BatchRecord[]): Promise<JobStatus[]> {
  if (records.length === 0) return [];
  const { connect } = await import("../engine/providers/connect.js");
  let conn: Awaited<ReturnType<typeof connect>>;
  try {
    conn = await connect(project, { env: io.env });
  } catch (err) {
    const problem = `cannot ask the provider: ${(err as Error).message}`;
    return records.map((r) => ({
      displayName: r.displayName,
      jobName: r.jobName,
      modelId: r.modelId,
      state: "UNKNOWN",
      requests: r.items.length,
      succeeded: 0,
      failed: 0,
      pending: 0,
      paidUsd: 0,
      problem,
    }));
  }
  try {
    return await batchJobs(project, stateDir(project), conn);
  } finally {
    await conn.close();
  }
}

export async function gcCommand(args: CliArgs, io: Io): Promise<number> {
  const project = load(args);
  const r = await gc(project, stateDir(project), { dryRun: args.dryRun, wait: args.wait, olderThanMs: args.olderThan });
  if (args.json) {
    io.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
    return 0;
  }
  const verb = r.dryRun ? "would remove" : "removed";
  for (const f of r.outputs) io.stdout.write(`${verb} ${f}\n`);
  for (const h of r.store) io.stdout.write(`${verb} .nanobanana/store entry ${h.slice(0, 12)}…\n`);
  for (const n of r.lockEntries) io.stdout.write(`${r.dryRun ? "would drop" : "dropped"} lock entry ${n}\n`);
  io.stdout.write(
    `${verb} ${plural(r.outputs.length, "output")}, ${plural(r.store.length, "stored image")}, ${plural(r.lockEntries.length, "lock entry", "lock entries")} (${(r.bytes / 1e6).toFixed(1)} MB)\n`,
  );
  return 0;
}

/**
 * `lock merge BASE OURS THEIRS [-o OUT]` (git merge driver: %O %A %B, result written to
 * OURS) or `lock merge` (resolve conflict markers in the project's lockfile in place).
 * Exit 0 when merged; 1 when an asset both sides changed could not be decided against the
 * manifests (the newer entry was kept: check it); 2 on unreadable input.
 */
export async function lockCommand(args: CliArgs, io: Io): Promise<number> {
  const [sub, ...files] = args.rest;
  if (sub !== "merge") throw new UserError(`usage: nanobanana lock merge [BASE OURS THEIRS] [-o OUT]`);
  // Loaded against an empty lock first: the project's lockfile may hold conflict markers.
  let project = tryLoad(args, emptyLock());
  let current = project && new Map(project.assets.map((a) => [a.name, a.hash]));
  let result: MergeResult;
  let out: string;
  if (files.length === 3) {
    const [base, ours, theirs] = files.map((f) => path.resolve(args.cwd, f));
    result = mergeLocks(readSide(base, true), readSide(ours)!, readSide(theirs)!, current);
    out = args.output ? path.resolve(args.cwd, args.output) : ours;
  } else if (files.length === 0) {
    if (!project) throw new UserError("lock merge without files needs a project here (nanobanana.config.yaml, or -C DIR)");
    const text = readFileSync(project.lockfile, "utf8");
    if (!hasConflictMarkers(text)) {
      io.stderr.write("the lockfile has no conflict markers; nothing to merge\n");
      return 0;
    }
    // Whole sides from git's index when it is mid-merge; else from the markers (lines merged cleanly go to both sides).
    const sides = gitStages(project.root, project.lockfile) ?? splitConflict(text);
    const shown = path.relative(project.root, project.lockfile);
    const ours = parseLock(sides.ours, `${shown} (our side)`);
    // Asset references link against upstream outputs: take our side's to compute the current hashes.
    project = tryLoad(args, ours) ?? project;
    current = new Map(project.assets.map((a) => [a.name, a.hash]));
    result = mergeLocks(
      sides.base !== undefined ? parseLock(sides.base, `${shown} (base side)`) : undefined,
      ours,
      parseLock(sides.theirs, `${shown} (their side)`),
      current,
    );
    out = args.output ? path.resolve(args.cwd, args.output) : project.lockfile;
  } else {
    throw new UserError(`lock merge takes three files (BASE OURS THEIRS) or none, not ${files.length}`);
  }
  writeFileAtomic(out, serializeLock(result.lock));
  for (const name of result.inconsistent)
    io.stderr.write(
      `${name}: an entry's hash did not match its own recorded spec (a line-level merge mixed two versions); not trusted: the other side's entry was kept whole${result.lock.assets[name] ? "" : " (both were mixed: dropped; the next build restores or rebuilds it)"}\n`,
    );
  for (const d of result.decisions) {
    io.stderr.write(
      `${d.name}: both sides changed it; kept ${d.chose} (${d.by === "manifest" ? "its spec matches the manifests" : "generated more recently; check it"})\n`,
    );
  }
  io.stderr.write(`merged ${Object.keys(result.lock.assets).length} lock entries into ${path.relative(args.cwd, out) || out}\n`);
  return result.uncertain ? 1 : 0;
}

/** The base, our and their versions of a conflicted file from git's index (stages 1-3), if git has them. */
function gitStages(root: string, file: string): ConflictSides | undefined {
  const show = (stage: number) =>
    execFileSync("git", ["show", `:${stage}:./${path.relative(root, file)}`], {
      cwd: root,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
      maxBuffer: 1 << 30,
    });
  try {
    const ours = show(2);
    const theirs = show(3);
    let base: string | undefined;
    try {
      base = show(1);
    } catch {
      base = undefined; // added on both sides
    }
    return { ours, theirs, base };
  } catch {
    return undefined;
  }
}

function tryLoad(args: CliArgs, lock: Lockfile): Project | undefined {
  try {
    return loadProject({ cwd: args.cwd, config: args.config, overrides: { simulate: args.simulate || undefined }, lock });
  } catch {
    return undefined; // a merge must work without a loadable project (e.g. manifests mid-merge)
  }
}

function readSide(file: string, mayBeMissing = false): Lockfile | undefined {
  if (!existsSync(file)) {
    if (mayBeMissing) return undefined;
    throw new UserError(`lock merge: ${file} does not exist`);
  }
  const text = readFileSync(file, "utf8");
  if (!text.trim()) return mayBeMissing ? undefined : emptyLock();
  return parseLock(text, file);
}
