import path from "node:path";
import pLimit from "p-limit";
import { round } from "../catalog/prices.js";
import { readLock } from "../lock/read.js";
import { gatherFacts } from "../plan/facts.js";
import { plan as makePlan } from "../plan/plan.js";
import { needsGeneration, type Plan } from "../plan/types.js";
import type { Project, ResolvedAsset } from "../project/types.js";
import type { LockEntry } from "../lock/types.js";
import type { Simulator } from "../simulator/server.js";
import { matchesAny, nameGlob } from "../util/name-glob.js";
import { connect, type Connection } from "./connect.js";
import type { AssetResult, BuildResult, EventSink } from "./events.js";
import { ContentStore } from "../store/content-store.js";
import { TaskJournal } from "./journal.js";
import { LockWriter } from "./lock-writer.js";
import { PollPlanner, type PollSchedule } from "./poll-plan.js";
import { runAsset } from "./run-asset.js";

export interface BuildOptions {
  /** Most assets in flight (default: the config's concurrency). */
  concurrency?: number;
  /** Build only assets whose name matches one of these globs. */
  only?: string[];
  /** Re-hash output files to decide what is up to date. */
  verify?: boolean;
  /** Receives progress events. */
  onEvent?: EventSink;
  /** Stops submitting and polling when aborted. */
  signal?: AbortSignal;
  /** Use this connection (tests inject one); default connects the project's provider. */
  connection?: Connection;
  /** Use this running simulator for a simulated build. */
  simulator?: Simulator;
  env?: NodeJS.ProcessEnv;
}

/** `.nanobanana/`: the project's local state (task journal, store). Not committed. */
export function stateDir(project: Project): string {
  return path.join(project.root, ".nanobanana");
}

/** Plans the project against its lockfile and the files on disk (reads only). */
export async function planProject(project: Project, opts: Pick<BuildOptions, "verify" | "only"> = {}): Promise<Plan> {
  const lock = readLock(project.lockfile, path.relative(project.root, project.lockfile));
  const facts = await gatherFacts(project.root, project.assets, lock, opts.verify);
  const p = makePlan({ assets: project.assets, simulate: project.config.simulate, provider: project.config.provider, prices: project.config.prices, verify: opts.verify }, lock, facts);
  if (!opts.only?.length) return p;
  const globs = opts.only.map(nameGlob);
  const items = p.items.filter((i) => matchesAny(i.name, globs));
  return { ...p, items, estimatedUsd: round(items.reduce((s, i) => s + i.estimatedUsd, 0)) };
}

/**
 * Builds every asset that is new, changed or missing its output: submits with bounded
 * concurrency, collects, writes images and the lockfile. Never prints, never exits.
 */
export async function build(project: Project, opts: BuildOptions = {}): Promise<BuildResult> {
  const emit: EventSink = opts.onEvent ?? (() => {});
  const p = await planProject(project, opts);
  emit({ type: "plan", plan: p });
  const lock = readLock(project.lockfile, path.relative(project.root, project.lockfile));
  // One lock write a second: each is a full serialize + fsync; the journal keeps tasks safe meanwhile.
  const writer = new LockWriter(project.lockfile, lock, 1000);
  const journal = new TaskJournal(stateDir(project));
  const pending = journal.load();
  const store = new ContentStore(stateDir(project));
  const byName = new Map(project.assets.map((a) => [a.name, a]));
  const work = p.items.filter((i) => needsGeneration(i.action));
  const results: AssetResult[] = [];
  const warnings: string[] = [];
  const possibleDuplicates: BuildResult["possibleDuplicates"] = [];
  const sink: EventSink = (e) => {
    if (e.type === "warning") warnings.push(e.name ? `${e.name}: ${e.message}` : e.message);
    emit(e);
  };

  for (const item of p.items) {
    if (item.action === "up-to-date") results.push({ name: item.name, status: "up-to-date", output: item.output, hash: item.hash, taskId: lock.assets[item.name]?.taskId, costUsd: 0 });
  }

  if (work.length > 0) {
    const conn = opts.connection ?? (await connect(project, { simulator: opts.simulator, env: opts.env }));
    journal.ensure();
    const settings = project.config.providers[project.config.provider] ?? {};
    const poll: PollSchedule = {
      initialMs: settings.pollIntervalMs ?? (conn.simulated ? Math.max(20, Math.min(250, (project.config.simulator?.latencyMs ?? 400) / 4)) : 1000),
      maxMs: conn.simulated ? 2_000 : 10_000,
      deadlineMs: settings.taskTimeoutMs ?? 15 * 60_000,
      minMs: conn.simulated ? 20 : 500,
    };
    const planner = new PollPlanner(poll);
    const limit = pLimit(opts.concurrency ?? project.config.concurrency);
    try {
      await Promise.all(
        work.map((item) =>
          limit(async () => {
            const asset = byName.get(item.name)!;
            if (opts.signal?.aborted) {
              results.push({ name: asset.name, status: "skipped", output: asset.output, hash: asset.hash, costUsd: 0, error: "interrupted" });
              return;
            }
            const restored = await restoreFromStore(store, asset, project.root, conn.simulated);
            if (restored) {
              writer.set(asset.name, restored);
              results.push({ name: asset.name, status: "generated", output: asset.output, hash: asset.hash, taskId: restored.taskId, costUsd: 0, restored: true });
              sink({ type: "generated", name: asset.name, output: asset.output, costUsd: 0, restored: true });
              return;
            }
            const resume = pending.get(asset.hash);
            const outcome = await runAsset(asset, resume?.provider === conn.provider.name && resume.simulated === conn.simulated ? resume : undefined, {
              provider: conn.provider,
              journal,
              dispatcher: conn.http.dispatcher,
              root: project.root,
              simulated: conn.simulated,
              poll: planner,
              gate: conn.gate,
              resubmitUnknown: settings.resubmitUnknown,
              downloadTimeoutMs: conn.http.timeoutMs,
              prices: project.config.prices,
              emit: sink,
              signal: opts.signal,
            });
            if (outcome.possibleDuplicate) possibleDuplicates.push({ name: asset.name, reason: outcome.possibleDuplicate });
            if (outcome.status === "generated") {
              keep(store, outcome.entry, path.join(project.root, asset.output), sink);
              writer.set(asset.name, outcome.entry, () => journal.remove(asset.hash));
              results.push({ name: asset.name, status: "generated", output: asset.output, hash: asset.hash, taskId: outcome.entry.taskId, costUsd: outcome.entry.cost.usd });
              sink({ type: "generated", name: asset.name, output: asset.output, costUsd: outcome.entry.cost.usd });
            } else if (outcome.status === "blocked") {
              results.push({ name: asset.name, status: "blocked", output: asset.output, hash: asset.hash, taskId: outcome.taskId, costUsd: 0, error: outcome.reason });
              sink({ type: "blocked", name: asset.name, reason: outcome.reason });
            } else {
              results.push({ name: asset.name, status: "failed", output: asset.output, hash: asset.hash, taskId: outcome.taskId, costUsd: 0, error: outcome.error });
              sink({ type: "failed", name: asset.name, error: outcome.error });
            }
          }),
        ),
      );
    } finally {
      writer.flush();
      if (!opts.connection) await conn.close();
    }
  }
  possibleDuplicates.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { ...summarize(results, project.config.simulate, warnings, lock.assets), possibleDuplicates };
}

/** An image the store already holds for this exact spec: no need to pay for it again. */
async function restoreFromStore(store: ContentStore, asset: ResolvedAsset, root: string, simulated: boolean): Promise<LockEntry | undefined> {
  const stored = store.get(asset.hash);
  if (!stored || Boolean(stored.simulated) !== simulated) return undefined;
  const entry = await store.restore(asset.hash, path.join(root, asset.output));
  return entry && { ...entry, output: asset.output };
}

function keep(store: ContentStore, entry: LockEntry, file: string, emit: EventSink): void {
  try {
    store.put(entry, file);
  } catch (err) {
    emit({ type: "warning", name: entry.output, message: `could not keep a copy in the local store: ${(err as Error).message}` });
  }
}

function summarize(results: AssetResult[], simulated: boolean, warnings: string[], entries: Record<string, { model: string }>): Omit<BuildResult, "possibleDuplicates"> {
  results.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const count = (s: AssetResult["status"]) => results.filter((r) => r.status === s).length;
  const costByModel: Record<string, number> = {};
  let cost = 0;
  for (const r of results) {
    if (r.status !== "generated") continue;
    cost += r.costUsd;
    const model = entries[r.name]?.model ?? "unknown";
    costByModel[model] = round((costByModel[model] ?? 0) + r.costUsd);
  }
  return {
    generated: count("generated"),
    upToDate: count("up-to-date"),
    failed: count("failed") + count("skipped"),
    blocked: count("blocked"),
    costUsd: round(cost),
    simulated,
    assets: results,
    costByModel,
    warnings,
  };
}
