import path from "node:path";
import { UserError } from "../../core/errors/user-error.js";
import type { Project, ResolvedAsset } from "../../core/project.js";
import type { EventSink } from "../build/events.js";
import type { Connection } from "../providers/connect.js";
import type { ReferenceInput } from "../providers/types.js";
import type { ContentStore } from "../store/content-store.js";
import { BatchRunner } from "./batch-runner.js";
import type { BatchJournal } from "./job-journal.js";

/** Default cap on requests per job. */
export const DEFAULT_BATCH_MAX_REQUESTS = 1000;

export interface StartBatchOptions {
  journal: BatchJournal;
  store: ContentStore;
  stateDir: string;
  noWait: boolean;
  emit: EventSink;
  signal?: AbortSignal;
  references?: (asset: ResolvedAsset) => Promise<ReferenceInput[]>;
  beforeSubmit?: (asset: ResolvedAsset) => string | undefined;
  submitRejected?: (asset: ResolvedAsset) => void;
  reclaimMemory?: () => void;
}

/** Connects batch mode for a build and takes up the jobs earlier builds left. */
export async function startBatch(project: Project, conn: Connection, o: StartBatchOptions): Promise<BatchRunner> {
  if (!conn.batch) throw new UserError(`batch mode needs provider: gemini; ${conn.provider.name} has no Batch API`);
  const settings = project.config.providers.gemini ?? {};
  const latency = project.config.simulator?.batchLatencyMs ?? 2000;
  const gates = new Map(project.assets.flatMap((a) => (a.gates ? [[a.name, a.gates] as const] : [])));
  const runner = new BatchRunner({
    api: conn.batch,
    journal: o.journal,
    collect: {
      store: o.store,
      http: conn.http,
      incoming: path.join(o.stateDir, "batches", "incoming"),
      simulated: conn.simulated,
      prices: project.config.prices,
      gatesOf: (name) => gates.get(name),
    },
    simulated: conn.simulated,
    maxRequests: settings.batchMaxRequests ?? DEFAULT_BATCH_MAX_REQUESTS,
    // Real jobs take minutes to hours: poll every 30 s, backing off to 5 minutes.
    pollMs: settings.pollIntervalMs ?? (conn.simulated ? Math.max(20, Math.floor(latency / 8)) : 30_000),
    maxPollMs: conn.simulated ? Math.max(100, Math.floor(latency / 2)) : 300_000,
    noWait: o.noWait,
    emit: o.emit,
    signal: o.signal,
    references: o.references,
    beforeSubmit: o.beforeSubmit,
    submitRejected: o.submitRejected,
    reclaimMemory: o.reclaimMemory,
  });
  await runner.resume(o.journal.load());
  return runner;
}
