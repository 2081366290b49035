import { randomBytes } from "node:crypto";
import { createWriteStream, mkdirSync } from "node:fs";
import { once } from "node:events";
import path from "node:path";
import type { ResolvedAsset } from "../../core/project.js";
import { requestFor } from "../build/run-asset.js";
import type { EventSink } from "../build/events.js";
import type { BatchApi, BatchJobInfo, BatchLine } from "../providers/batch-types.js";
import { inlineReferences } from "../providers/gemini/references.js";
import { toGeminiBody } from "../providers/gemini/translate.js";
import type { ReferenceInput } from "../providers/types.js";
import { HttpError } from "../transport/errors.js";
import { abortableSleep, isUnknownOutcome } from "../transport/retry.js";
import { collectJob } from "./collect-job.js";
import type { CollectDeps } from "./collect.js";
import type { BatchItem, BatchJournal, BatchRecord } from "./job-journal.js";
import type { BatchJobReport, BatchOutcome } from "./types.js";

/** Google's cap on an inline batch; nanobanana counts the expected results in it too. */
export const INLINE_MAX_BYTES = 20 * 1024 * 1024;
/** Base64 bytes an image of each resolution roughly takes in a result. */
const RESULT_BYTES: Record<string, number> = { "0.5K": 600_000, "1K": 2_000_000, "2K": 6_000_000, "4K": 20_000_000 };

export interface BatchRunnerOptions {
  api: BatchApi;
  journal: BatchJournal;
  collect: CollectDeps;
  simulated: boolean;
  /** Most requests in one job. */
  maxRequests: number;
  /** First poll after this long; polls back off to `maxPollMs`. */
  pollMs: number;
  maxPollMs: number;
  /** Leave jobs running after they are created (`build --no-wait`). */
  noWait: boolean;
  emit: EventSink;
  signal?: AbortSignal;
  references?: (asset: ResolvedAsset) => Promise<ReferenceInput[]>;
  /** Asked before a request joins a job; a reason means "not this one" (budget). */
  beforeSubmit?: (asset: ResolvedAsset) => string | undefined;
  submitRejected?: (asset: ResolvedAsset) => void;
  /** See BuildOptions.reclaimMemory. */
  reclaimMemory?: () => void;
}

interface Deferred {
  promise: Promise<BatchOutcome>;
  resolve(o: BatchOutcome): void;
}

/**
 * Batch mode: the assets a build asks for are queued, grouped per model into jobs of at most
 * `maxRequests`, each journalled under a unique display name before it is uploaded and
 * created, then polled and collected. Jobs of earlier builds are found again first.
 */
export class BatchRunner {
  private readonly results = new Map<string, Deferred>();
  private readonly assets = new Map<string, ResolvedAsset>();
  /** Hashes already in a job (this build's or an earlier one's). */
  private readonly inJob = new Set<string>();
  private queue: ResolvedAsset[] = [];
  private timer?: NodeJS.Timeout;
  private readonly running: Promise<void>[] = [];
  readonly reports = new Map<string, BatchJobReport>();

  constructor(private readonly o: BatchRunnerOptions) {}

  /**
   * Takes up the jobs of earlier builds: a job whose create may have been sent is looked up by
   * its display name; found, it is followed; not found, it was never made and its assets are
   * queued again like any other.
   */
  async resume(records: BatchRecord[]): Promise<void> {
    const mine = records.filter((r) => r.simulated === this.o.simulated);
    const unsure = mine.filter((r) => !r.jobName);
    const found = unsure.length ? await this.o.api.find(new Set(unsure.map((r) => r.displayName)), this.o.signal) : new Map();
    for (const r of mine) {
      if (!r.jobName) {
        const job = found.get(r.displayName);
        if (!job) {
          this.o.journal.remove(r.displayName);
          continue;
        }
        r.jobName = job.name;
        this.o.journal.record(r);
        this.o.emit({
          type: "warning",
          message: `batch job ${r.displayName} was created before the last build stopped; found it again (${job.name}) instead of creating another`,
        });
      }
      for (const i of r.items) this.inJob.add(i.hash);
      this.running.push(this.follow(r));
    }
  }

  /** The outcome of an asset's request: from the job it is in, or from a new one. */
  run(asset: ResolvedAsset): Promise<BatchOutcome> {
    this.assets.set(asset.hash, asset);
    const d = this.deferred(asset.hash);
    if (!this.inJob.has(asset.hash)) {
      this.inJob.add(asset.hash);
      this.enqueue(asset);
    }
    return d.promise;
  }

  /** Waits for every job started or resumed (their waiters are all settled then). */
  async settled(): Promise<void> {
    this.flush();
    for (let n = 0; n < this.running.length; n++) await this.running[n];
  }

  private deferred(hash: string): Deferred {
    let d = this.results.get(hash);
    if (!d) {
      let resolve!: (o: BatchOutcome) => void;
      const promise = new Promise<BatchOutcome>((r) => (resolve = r));
      d = { promise, resolve };
      this.results.set(hash, d);
    }
    return d;
  }

  private settle(hash: string, o: BatchOutcome): void {
    this.deferred(hash).resolve(o);
  }

  private enqueue(asset: ResolvedAsset): void {
    this.queue.push(asset);
    clearTimeout(this.timer);
    // Assets arrive one by one as the scheduler reaches them: wait for a lull, or a full job.
    if (this.queue.filter((a) => a.spec.modelId === asset.spec.modelId).length >= this.o.maxRequests) this.flush();
    else this.timer = setTimeout(() => this.flush(), 100);
  }

  private flush(): void {
    clearTimeout(this.timer);
    const byModel = new Map<string, ResolvedAsset[]>();
    for (const a of this.queue) byModel.set(a.spec.modelId, [...(byModel.get(a.spec.modelId) ?? []), a]);
    this.queue = [];
    for (const [modelId, assets] of byModel) {
      for (let i = 0; i < assets.length; i += this.o.maxRequests)
        this.running.push(this.launch(modelId, assets.slice(i, i + this.o.maxRequests)));
    }
  }

  /** Journal the intent, upload (file jobs), create, then follow the job. */
  private async launch(modelId: string, candidates: ResolvedAsset[]): Promise<void> {
    const assets: ResolvedAsset[] = [];
    const lines: BatchLine[] = [];
    for (const a of candidates) {
      if (this.o.signal?.aborted) {
        this.settle(a.hash, { status: "skipped", reason: "interrupted before submitting" });
        continue;
      }
      try {
        const refs = a.spec.references.length && this.o.references ? await this.o.references(a) : [];
        const images = await inlineReferences(refs, this.o.collect.http, this.o.signal);
        const refused = this.o.beforeSubmit?.(a);
        if (refused) {
          this.settle(a.hash, { status: "skipped", reason: refused });
          continue;
        }
        assets.push(a);
        lines.push({ key: a.hash, request: toGeminiBody({ ...requestFor(a), references: [] }, images) });
      } catch (err) {
        this.settle(a.hash, { status: "failed", error: (err as Error).message });
      }
    }
    if (assets.length === 0) return;
    const record: BatchRecord = {
      displayName: `nanobanana-${new Date().toISOString().slice(0, 10)}-${randomBytes(6).toString("hex")}`,
      provider: "gemini",
      simulated: this.o.simulated,
      modelId,
      createdAt: new Date().toISOString(),
      items: assets.map((a): BatchItem => ({ hash: a.hash, name: a.name, output: a.output, spec: a.spec })),
    };
    const reject = (error: string) => {
      for (const a of assets) {
        this.o.submitRejected?.(a);
        this.inJob.delete(a.hash);
        this.settle(a.hash, { status: "failed", error });
      }
    };
    // The intent first: from here on a crash leaves a name to look the job up by.
    this.o.journal.record(record);
    const inlineBytes = lines.reduce((s, l, i) => s + JSON.stringify(l).length + (RESULT_BYTES[assets[i].spec.resolution] ?? 2_000_000), 0);
    try {
      let input: { lines: BatchLine[] } | { fileName: string } = { lines };
      if (inlineBytes >= INLINE_MAX_BYTES) {
        const file = this.o.journal.inputFile(record.displayName);
        await writeJsonl(file, lines);
        record.fileName = await this.o.api.upload(file, record.displayName, this.o.signal);
        this.o.journal.record(record);
        input = { fileName: record.fileName };
      }
      const job = await this.create(record, input);
      // Sent: the request bodies (10,000 of them in a catalog's job) need not live while the job
      // runs and its results are collected.
      lines.length = 0;
      record.jobName = job.name;
      this.o.journal.record(record);
      this.report(record, job);
      this.o.emit({
        type: "warning",
        message: `batch job ${job.name} created: ${assets.length} request${assets.length === 1 ? "" : "s"} for ${modelId}`,
      });
    } catch (err) {
      if (record.jobName === undefined && !(err instanceof HttpError && isUnknownOutcome(err))) {
        this.o.journal.remove(record.displayName);
        return reject(`the batch job could not be created: ${(err as Error).message}`);
      }
      // Unknown outcome: the job may exist; the record stays and the next build looks it up.
      for (const a of assets)
        this.settle(a.hash, {
          status: "skipped",
          reason: `the batch create's answer was lost (${(err as Error).message}); the next build finds the job by its name`,
          taskId: record.displayName,
        });
      return;
    }
    await this.follow(record);
  }

  /** Create; after a lost answer, look the job up by its display name before anything else. */
  private async create(record: BatchRecord, input: { lines: BatchLine[] } | { fileName: string }): Promise<BatchJobInfo> {
    try {
      return await this.o.api.create(record.modelId, record.displayName, input, this.o.signal);
    } catch (err) {
      if (!isUnknownOutcome(err)) throw err;
      const found = (await this.o.api.find(new Set([record.displayName]), this.o.signal)).get(record.displayName);
      if (found) return found;
      return await this.o.api.create(record.modelId, record.displayName, input, this.o.signal);
    }
  }

  /** Polls a created job until it ends, then collects it (or leaves it running). */
  private async follow(record: BatchRecord): Promise<void> {
    const name = record.jobName!;
    let wait = this.o.pollMs;
    let job: BatchJobInfo;
    try {
      for (;;) {
        job = await this.o.api.get(name, this.o.signal);
        this.report(record, job);
        if (job.done || this.o.noWait || this.o.signal?.aborted) break;
        await abortableSleep(wait, this.o.signal);
        wait = Math.min(this.o.maxPollMs, Math.ceil(wait * 1.5));
      }
    } catch (err) {
      if (err instanceof HttpError && err.status === 404) return this.vanished(record);
      return this.leave(record, this.o.signal?.aborted ? "interrupted" : `polling failed: ${(err as Error).message}`);
    }
    if (!job.done) return this.leave(record, job.state);
    await collectJob(record, job, this.o, (hash, o) => this.settle(hash, o));
  }

  /** The provider no longer knows the job (e.g. the in-process simulator that ran it stopped): queue its assets again. */
  private vanished(record: BatchRecord): void {
    this.o.journal.remove(record.displayName);
    this.o.emit({
      type: "warning",
      message: `batch job ${record.jobName} is unknown to gemini${this.o.simulated ? " (the simulator that ran it has stopped)" : ""}; its requests are sent again`,
    });
    for (const i of record.items) {
      this.inJob.delete(i.hash);
      const asset = this.assets.get(i.hash);
      if (asset) this.run(asset);
    }
  }

  private leave(record: BatchRecord, why: string): void {
    for (const i of record.items)
      this.settle(i.hash, {
        status: "skipped",
        reason: `in batch job ${record.jobName} (${why}); nanobanana status shows it, the next build collects it`,
        taskId: record.jobName,
      });
  }

  private report(record: BatchRecord, job: BatchJobInfo): void {
    this.reports.set(record.displayName, {
      displayName: record.displayName,
      jobName: job.name,
      modelId: record.modelId,
      state: job.state,
      requests: job.stats.requests || record.items.length,
      succeeded: job.stats.succeeded,
      failed: job.stats.failed,
      pending: job.stats.pending,
    });
  }
}

/** Writes the JSONL input with backpressure (a big catalog's file is never a string in memory). */
async function writeJsonl(file: string, lines: BatchLine[]): Promise<void> {
  mkdirSync(path.dirname(file), { recursive: true });
  const out = createWriteStream(file);
  for (const l of lines) if (!out.write(`${JSON.stringify(l)}\n`)) await once(out, "drain");
  out.end();
  await once(out, "finish");
}
