import path from "node:path";
import pLimit from "p-limit";
import { assetGraph } from "../../core/plan/graph.js";
import { PlanChangedError, planChanges } from "../../core/plan/plan-file.js";
import { NotConfirmedError } from "./not-confirmed.js";
import { needsGeneration } from "../../core/plan/types.js";
import type { Project, ResolvedAsset } from "../../core/project.js";
import { ContentStore } from "../store/content-store.js";
import { checkBudget, keep, summarize } from "./build-support.js";
import { shareOf } from "../../core/plan/shard.js";
import { LazyRemote } from "../remote/lazy-remote.js";
import { RemotePusher, RestoreSources } from "./restore-sources.js";
import { apiKeyFor } from "../providers/credentials.js";
import type { AssetResult, BuildResult, EventSink } from "./events.js";
import { FirstSubmitGate } from "./first-submit-gate.js";
import { allOf } from "./provider-slots.js";
import { ConcurrencyGate } from "../transport/rate-limit.js";
import { RecordKeeper } from "./record-keeper.js";
import { TaskJournal } from "../state/journal.js";
import { BatchJournal } from "../batch/job-journal.js";
import type { BatchRunner } from "../batch/batch-runner.js";
import { LockWriter } from "../state/lock-writer.js";
import { collectOrphan, sortPending } from "./orphan-tasks.js";
import { acquireProjectLock } from "../state/project-lock.js";
import { recordLastBuild } from "../state/last-build.js";
import { referenceDelivery, relinkAndDecide } from "./references.js";
import { PollPlanner, type PollSchedule } from "./poll-plan.js";
import type { RunDeps } from "./run-asset.js";
import { runInOrder, withDownstream, type JobOutcome } from "./schedule.js";
import { afterCollect } from "../derive/after-collect.js";
import type { BuildOptions } from "./build-options.js";
import type { Connection } from "../providers/connect.js";
import { round } from "../../core/catalog/prices.js";
import { altEstimate } from "../../core/alt/plan.js";
import { planWithLock, stateDir } from "./plan-project.js";
import { isPlainNoop } from "./plain-noop.js";
import { writeNoopStamp } from "./write-noop-stamp.js";
import { copyPickedTake } from "./copy-take.js";
import { pickedTake } from "../../core/manifest/candidates.js";

export type { BuildOptions } from "./build-options.js";

/** Where the store keeps a rejected image, project-relative. */
function rejectedFile(project: Project, store: ContentStore, hash: string): string {
  return path.relative(project.root, store.rejectedPath(hash, "img")).split(path.sep).join("/");
}
export { planProject, stateDir, type ProjectPlan } from "./plan-project.js";

/**
 * Builds every asset that is new, changed or missing its output: submits with bounded
 * concurrency in dependency order, collects, writes images and the lockfile. Holds the
 * project's build lock throughout. Never prints, never exits.
 */
export async function build(project: Project, opts: BuildOptions = {}): Promise<BuildResult> {
  const emit: EventSink = opts.onEvent ?? (() => {});
  const held = await acquireProjectLock(stateDir(project), {
    wait: opts.wait,
    signal: opts.signal,
    onWait: (holder) => emit({ type: "waiting", holder }),
  });
  try {
    const remote = new LazyRemote(project, opts.remote, (message) => emit({ type: "warning", message }));
    try {
      return await buildLocked(project, opts, emit, remote);
    } finally {
      await remote.close();
    }
  } finally {
    held.release();
  }
}

async function buildLocked(project: Project, opts: BuildOptions, emit: EventSink, remote: LazyRemote): Promise<BuildResult> {
  const { plan: p, lock, lockText } = await planWithLock(project, opts.plan ? { ...opts, only: opts.plan.only } : opts, remote);
  const store = new ContentStore(stateDir(project));
  const changes = opts.plan && planChanges(opts.plan, p);
  if (changes?.length) throw new PlanChangedError(changes);
  if (opts.confirm && !(await opts.confirm(p))) throw new NotConfirmedError();
  // One lock write a second: each is a full serialize + fsync; the journal keeps tasks safe meanwhile.
  const writer = new LockWriter(project.lockfile, lock, 1000);
  const journal = new TaskJournal(stateDir(project));
  const records = new RecordKeeper(journal);
  journal.foldIntentLogs();
  const { resume: pending, orphans } = sortPending(journal.load(), project.assets, p, journal, store);
  const byName = new Map(project.assets.map((a) => [a.name, a]));
  const graph = project.dependencies ?? assetGraph(project.assets, []);
  const needed = p.items.filter((i) => needsGeneration(i.action));
  const share =
    opts.shard &&
    shareOf(
      needed.map((i) => i.name),
      graph.upstream,
      opts.shard,
    );
  const work = share ? needed.filter((i) => share.has(i.name)) : needed;
  const batchJournal = new BatchJournal(stateDir(project));
  const batchRecords = project.config.batch || opts.noWait ? batchJournal.load() : [];
  for (const bad of [...journal.rejected, ...batchJournal.rejected])
    emit({
      type: "warning",
      message: `ignored ${path.relative(project.root, bad.file)}: ${bad.problem} (left in place; delete it if you did not write it)`,
    });
  const budget = checkBudget(
    project,
    opts,
    work.filter((i) => i.estimatedUsd > 0).map((i) => byName.get(i.name)!),
    pending,
    store,
    new Set(batchRecords.flatMap((r) => r.items.map((i) => i.hash))),
    altEstimate(p.alt ?? [], project.config.provider),
  );
  // A real build with work and no key stops before it announces anything.
  if (!opts.connection && !project.config.simulate && (work.length > 0 || orphans.length > 0)) apiKeyFor(project, opts.env ?? process.env);
  emit({ type: "plan", plan: p });
  let leftRunning = 0;
  const possibleDuplicates: BuildResult["possibleDuplicates"] = [];
  const results: AssetResult[] = [];
  const warnings: string[] = [];
  const sink: EventSink = (e) => {
    if (e.type === "warning") warnings.push(e.name ? `${e.name}: ${e.message}` : e.message);
    emit(e);
  };
  const result = (asset: ResolvedAsset, r: Omit<AssetResult, "name" | "output" | "hash">) =>
    results.push({ name: asset.name, output: asset.output, hash: asset.hash, ...r });
  /** An image that failed its quality gates (kept in the store's rejected area): reported, the output left alone. */
  const rejectedJob = (asset: ResolvedAsset, reason: string, costUsd: number, taskId?: string): JobOutcome => {
    const kept = rejectedFile(project, store, asset.hash);
    result(asset, { status: "rejected", taskId, costUsd, error: reason, kept, model: asset.spec.model });
    sink({ type: "rejected", name: asset.name, reason, costUsd, kept });
    return { ok: false };
  };
  /** An asset that ended without an image: reported with its error. */
  const failedJob = (asset: ResolvedAsset, error: string, taskId?: string): JobOutcome => {
    result(asset, { status: "failed", taskId, costUsd: 0, error });
    sink({ type: "failed", name: asset.name, error });
    return { ok: false };
  };
  /** What a finished attempt cost (a rejected image was paid for too) goes against the budget's reservation. */
  const settle = (asset: ResolvedAsset, outcome: { status: string; entry?: { cost: { usd: number } } }) => {
    if (outcome.status !== "skipped")
      budget?.settle(asset, outcome.status === "generated" || outcome.status === "rejected" ? outcome.entry?.cost.usd : undefined);
  };

  // Assets that reference work must wait for it (and may turn out up to date once it is done).
  const planned = new Set(p.items.map((i) => i.name));
  const scheduled = withDownstream(
    work.map((i) => i.name),
    (n) => graph.downstream.get(n),
  ).filter((n) => planned.has(n));
  const inRun = new Set(scheduled);
  for (const item of p.items) {
    if (item.action === "rejected") {
      // Paid for by an earlier build and rejected: reported again, never paid again unasked.
      results.push({ name: item.name, status: "rejected", output: item.output, hash: item.hash, costUsd: 0, error: item.reason });
      sink({ type: "rejected", name: item.name, reason: item.reason, costUsd: 0, kept: rejectedFile(project, store, item.hash) });
    }
    if (item.action === "up-to-date" && !inRun.has(item.name))
      results.push({
        name: item.name,
        status: "up-to-date",
        output: item.output,
        hash: item.hash,
        taskId: lock.assets[item.name]?.taskId,
        costUsd: 0,
      });
  }

  let batcher: BatchRunner | undefined;
  // Assets whose spec was linked to upstream images made in this build: the local steps go by their new hashes.
  const relinked = new Map<string, ResolvedAsset>();
  if (scheduled.length > 0 || orphans.length > 0 || batchRecords.length > 0) {
    // Loaded only when there is work: a no-op build never pays for undici or sharp.
    const { connect } = await import("../providers/connect.js");
    const { runAsset } = await import("./run-asset.js");
    const conn = opts.connection ?? (await connect(project, { simulatorUrl: opts.simulatorUrl, env: opts.env }));
    journal.ensure();
    const settings = project.config.providers[project.config.provider] ?? {};
    const poll: PollSchedule = {
      initialMs:
        settings.pollIntervalMs ?? (conn.simulated ? Math.max(20, Math.min(250, (project.config.simulator?.latencyMs ?? 400) / 4)) : 1000),
      maxMs: conn.simulated ? 2_000 : 10_000,
      deadlineMs: settings.taskTimeoutMs ?? 15 * 60_000,
      minMs: conn.simulated ? 20 : 500,
    };
    const concurrency = opts.concurrency ?? project.config.concurrency;
    // `concurrency` assets at the provider (submit and polls, deps.gate); as many again may be
    // downloading, checking and writing their images meanwhile, so that the local work on one
    // round of answers overlaps the next round's requests instead of delaying them.
    const limit = pLimit(2 * concurrency);
    const getRemote = remote.configured ? () => remote.get() : undefined;
    const sources = new RestoreSources(project.root, lock, store, conn.simulated, getRemote);
    const pusher = new RemotePusher(getRemote, sink);
    const delivery = referenceDelivery(
      project,
      conn,
      stateDir(project),
      opts.signal,
      getRemote && {
        remote: getRemote,
        // Valid while the provider may still fetch it: the task's whole life, and a margin.
        ttlSeconds: Math.ceil(poll.deadlineMs / 1000) + 15 * 60,
        httpOrigins: opts.httpReferenceOrigins,
      },
    );
    const deps: RunDeps = {
      provider: conn.provider,
      journal,
      http: conn.http,
      root: project.root,
      simulated: conn.simulated,
      poll: new PollPlanner(poll),
      gate: allOf([new ConcurrencyGate(concurrency), conn.gate]),
      resubmitUnknown: settings.resubmitUnknown,
      emit: sink,
      signal: opts.signal,
      references: (a) => delivery.inputsFor(a),
      beforeSubmit: budget && ((a) => budget.reserve(a)),
      submitRejected: budget && ((a) => budget.release(a)),
      // Only a provider that hands back a task id to record gains from warming that path first;
      // one that answers with the image (Gemini) records nothing after the intent, so the gate
      // would only cost it one serial round trip per build.
      firstSubmit: conn.provider.resumable ? new FirstSubmitGate() : undefined,
      records,
      keepRejected: (entry, file, reasons) => store.keepRejected(entry, file, reasons, new Date()),
    };
    if (project.config.batch) {
      const { startBatch } = await import("../batch/start.js");
      batcher = await startBatch(project, conn, {
        journal: batchJournal,
        store,
        stateDir: stateDir(project),
        noWait: opts.noWait ?? false,
        emit: sink,
        signal: opts.signal,
        references: deps.references,
        beforeSubmit: deps.beforeSubmit,
        submitRejected: deps.submitRejected,
        reclaimMemory: opts.reclaimMemory,
      });
    }

    /** Batch mode: the asset's request goes into a job; its image comes back through the store. */
    const generateBatched = async (asset: ResolvedAsset, runner: BatchRunner): Promise<JobOutcome> => {
      const restored = (await sources.restore(asset).catch(() => undefined))?.entry;
      if (restored) {
        writer.set(asset.name, restored);
        result(asset, { status: "generated", taskId: restored.taskId, costUsd: 0, restored: true });
        sink({ type: "generated", name: asset.name, output: asset.output, costUsd: 0, restored: true });
        return { ok: true, sha256: restored.sha256 };
      }
      const outcome = await runner.run(asset);
      settle(asset, outcome);
      if (outcome.status === "rejected") return rejectedJob(asset, outcome.reason, outcome.entry.cost.usd, outcome.taskId);
      if (outcome.status === "generated") {
        const kept = await store.restore(asset.hash, path.join(project.root, asset.output));
        if (kept) {
          const entry = { ...outcome.entry, output: asset.output };
          pusher.push(asset.name, entry, path.join(project.root, asset.output));
          writer.set(asset.name, entry);
          result(asset, { status: "generated", taskId: entry.taskId, costUsd: entry.cost.usd });
          sink({ type: "generated", name: asset.name, output: asset.output, costUsd: entry.cost.usd });
          return { ok: true, sha256: entry.sha256 };
        }
        return failedJob(asset, "the collected image is no longer intact in .nanobanana/store", outcome.entry.taskId);
      }
      if (outcome.status === "blocked") {
        result(asset, { status: "blocked", taskId: outcome.taskId, costUsd: 0, error: outcome.reason });
        sink({ type: "blocked", name: asset.name, reason: outcome.reason });
      } else if (outcome.status === "skipped") {
        if (outcome.taskId) leftRunning++;
        result(asset, { status: "skipped", taskId: outcome.taskId, costUsd: 0, error: outcome.reason });
      } else return failedJob(asset, outcome.error, outcome.taskId);
      return { ok: false };
    };

    /** One asset: restore from the store, or resume / submit, collect and record. */
    const generate = (asset: ResolvedAsset) =>
      batcher
        ? generateBatched(asset, batcher)
        : limit(async (): Promise<JobOutcome> => {
            if (opts.signal?.aborted) {
              if (pending.has(asset.hash)) leftRunning++;
              result(asset, { status: "skipped", costUsd: 0, error: "interrupted" });
              return { ok: false };
            }
            const back = await sources.restore(asset).catch((err: unknown) => {
              sink({ type: "warning", name: asset.name, message: `could not restore from the remote: ${(err as Error).message}` });
              return undefined;
            });
            if (back) {
              const restored = back.entry;
              writer.set(asset.name, restored, () => journal.removeLater(asset.hash));
              result(asset, { status: "generated", taskId: restored.taskId, costUsd: 0, restored: true, restoredFrom: back.from });
              sink({
                type: "generated",
                name: asset.name,
                output: asset.output,
                costUsd: 0,
                restored: true,
                from: back.from,
                entry: restored,
              });
              return { ok: true, sha256: restored.sha256 };
            }
            const resume = pending.get(asset.hash);
            const outcome = await runAsset(
              asset,
              resume?.provider === conn.provider.name && resume.simulated === conn.simulated ? resume : undefined,
              deps,
            );
            if (outcome.possibleDuplicate) possibleDuplicates.push({ name: asset.name, reason: outcome.possibleDuplicate });
            settle(asset, outcome);
            switch (outcome.status) {
              case "rejected":
                return rejectedJob(asset, outcome.reason, outcome.entry.cost.usd, outcome.taskId);
              case "generated":
                store.clearRejected(asset.hash);
                delivery.record(outcome.entry.sha256, outcome.resultUrl, sink);
                keep(store, outcome.entry, path.join(project.root, asset.output), sink);
                pusher.push(asset.name, outcome.entry, path.join(project.root, asset.output));
                writer.set(asset.name, outcome.entry, () => journal.removeLater(asset.hash));
                result(asset, { status: "generated", taskId: outcome.entry.taskId, costUsd: outcome.entry.cost.usd });
                sink({ type: "generated", name: asset.name, output: asset.output, costUsd: outcome.entry.cost.usd, entry: outcome.entry });
                return { ok: true, sha256: outcome.entry.sha256 };
              case "blocked":
                result(asset, { status: "blocked", taskId: outcome.taskId, costUsd: 0, error: outcome.reason });
                sink({ type: "blocked", name: asset.name, reason: outcome.reason });
                return { ok: false };
              case "skipped":
                if (outcome.taskId) leftRunning++;
                result(asset, { status: "skipped", taskId: outcome.taskId, costUsd: 0, error: outcome.reason });
                if (!opts.signal?.aborted) sink({ type: "skipped", name: asset.name, reason: outcome.reason });
                return { ok: false };
              default:
                return failedJob(asset, outcome.error, outcome.taskId);
            }
          });

    /** An asset with candidates: its output is a copy of its picked take (built before it), never paid. */
    const copyTake = async (asset: ResolvedAsset): Promise<JobOutcome> => {
      const entry = await copyPickedTake(project.root, asset, lock, store, conn.simulated);
      if (!entry) return failedJob(asset, `take ${asset.candidates!.picked} (${pickedTake(asset)}) has no image to copy`);
      writer.set(asset.name, entry);
      result(asset, { status: "generated", taskId: entry.taskId, costUsd: 0, restored: true, restoredFrom: "lockfile output" });
      sink({ type: "generated", name: asset.name, output: asset.output, costUsd: 0, restored: true, from: "lockfile output", entry });
      return { ok: true, sha256: entry.sha256 };
    };

    /** A transparent asset: its output is the difference matte of its two sources (built before it), never paid. */
    const cutOut = async (asset: ResolvedAsset): Promise<JobOutcome> => {
      const { matteAsset } = await import("./matte-asset.js");
      const made = await matteAsset(project.root, asset, (n) => byName.get(n), store, deps);
      if (made.status === "generated") {
        writer.set(asset.name, made.entry);
        result(asset, { status: "generated", taskId: made.entry.taskId, costUsd: 0 });
        sink({ type: "generated", name: asset.name, output: asset.output, costUsd: 0, entry: made.entry });
        return { ok: true, sha256: made.entry.sha256 };
      }
      if (made.status === "rejected") return rejectedJob(asset, made.reason, 0);
      return failedJob(asset, made.error);
    };

    try {
      const collecting = orphans.map((task) =>
        limit(async () => {
          if (opts.signal?.aborted) return void leftRunning++;
          if ((await collectOrphan(task, store, project.root, deps)) === "skipped" && opts.signal?.aborted) leftRunning++;
        }),
      );
      const ordered = runInOrder(
        scheduled,
        (n) => graph.upstream.get(n) ?? [],
        async (name, ups) => {
          const { asset, upToDate } = await relinkAndDecide(byName.get(name)!, ups, project, lock, opts.verify);
          if (asset !== byName.get(name)) relinked.set(name, asset);
          if (!upToDate) return asset.matte ? cutOut(asset) : asset.candidates ? copyTake(asset) : generate(asset);
          result(asset, { status: "up-to-date", taskId: lock.assets[name]?.taskId, costUsd: 0 });
          return { ok: true, sha256: lock.assets[name]?.sha256 };
        },
        (name, up) => failedJob(byName.get(name)!, `upstream asset ${up} failed; nothing was submitted for this one`),
      );
      await Promise.all([...collecting, ordered, batcher?.settled()]);
    } finally {
      // No image is asked for after this: the provider's connections close while the lock is
      // written (the remote cache has its own). A request still running is waited for.
      const closing = opts.connection ? undefined : conn.close();
      // Awaited below; until then a failed close must not count as an unhandled rejection.
      closing?.catch(() => {});
      try {
        await writer.flushNow();
      } finally {
        // The journal clean-up follows the last lock write (see LockWriter's callbacks).
        await Promise.all([pusher.settled(), store.settled(), journal.close(), closing]);
      }
    }
  }
  // Local steps on what was collected: derived files, the asset module (no provider involved).
  const describer = async () => {
    // Descriptions come after the images: a connection of their own, closed when the build ends.
    describeConn ??=
      opts.connection ??
      (await (await import("../providers/connect.js")).connect(project, { simulatorUrl: opts.simulatorUrl, env: opts.env }));
    return describeConn.provider;
  };
  let describeConn: Connection | undefined;
  const current = relinked.size ? { ...project, assets: project.assets.map((a) => relinked.get(a.name) ?? a) } : project;
  const after = await afterCollect(current, writer, opts, sink, p, stateDir(project), describer, budget).finally(async () => {
    if (describeConn && !opts.connection) await describeConn.close();
  });
  const interrupted = Boolean(opts.signal?.aborted);
  possibleDuplicates.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const summary = summarize(results, project.config.simulate, warnings, lock.assets);
  if (after.alt?.costUsd) summary.costUsd = round(summary.costUsd + after.alt.costUsd);
  const done = {
    ...summary,
    interrupted,
    leftRunning,
    possibleDuplicates,
    ...(batcher ? { batchJobs: [...batcher.reports.values()] } : {}),
    ...(records.error ? { journalError: records.error, unrecorded: records.unrecorded } : {}),
    ...after,
  };
  if (scheduled.length > 0) recordLastBuild(stateDir(project), done);
  const nothingElse = orphans.length === 0 && pending.size === 0 && journal.rejected.length === 0 && !batcher && batchRecords.length === 0;
  if (scheduled.length === 0 && nothingElse && lockText !== undefined && isPlainNoop(project, opts, p, done))
    writeNoopStamp(
      project,
      lock,
      lockText,
      done.assets.map((a) => a.name),
    );
  return done;
}
