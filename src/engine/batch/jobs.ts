import { listedPriceFor, round } from "../../core/catalog/prices.js";
import type { Project } from "../../core/project.js";
import type { Connection } from "../providers/connect.js";
import { BatchJournal } from "./job-journal.js";
import type { BatchJobReport } from "./types.js";

/** A journalled job with what the provider says of it now. */
export interface JobStatus extends BatchJobReport {
  /** What the requests it finished cost at the batch price (listed prices). */
  paidUsd: number;
  /** Set when the provider could not be asked (e.g. the simulator that ran it has stopped). */
  problem?: string;
}

/**
 * Every batch job the project's journal holds, asked of the provider (one GET each; a job
 * whose create answer was lost is looked up by its display name). Reads, never writes.
 */
export async function batchJobs(project: Project, stateDir: string, conn: Connection, signal?: AbortSignal): Promise<JobStatus[]> {
  const records = new BatchJournal(stateDir).load().filter((r) => r.simulated === conn.simulated);
  const api = conn.batch;
  if (!api || records.length === 0) return [];
  const unsure = records.filter((r) => !r.jobName);
  const found = unsure.length ? await api.find(new Set(unsure.map((r) => r.displayName)), signal).catch(() => new Map()) : new Map();
  const out: JobStatus[] = [];
  for (const r of records) {
    const name = r.jobName ?? found.get(r.displayName)?.name;
    const price = r.items.length
      ? (listedPriceFor("gemini", r.items[0].spec.model, r.items[0].spec.resolution, project.config.prices, true)?.usd ?? 0)
      : 0;
    const base = {
      displayName: r.displayName,
      jobName: name,
      modelId: r.modelId,
      requests: r.items.length,
      succeeded: 0,
      failed: 0,
      pending: 0,
    };
    if (!name) {
      out.push({ ...base, state: "NOT CREATED", paidUsd: 0 });
      continue;
    }
    try {
      const job = await api.get(name, signal);
      out.push({
        ...base,
        state: job.state,
        requests: job.stats.requests || r.items.length,
        succeeded: job.stats.succeeded,
        failed: job.stats.failed,
        pending: job.stats.pending,
        paidUsd: round(job.stats.succeeded * price),
      });
    } catch (err) {
      out.push({ ...base, state: "UNKNOWN", paidUsd: 0, problem: (err as Error).message });
    }
  }
  return out;
}

/** Cancels every running job of the project; returns each job's state afterwards and what it had already cost. */
export async function cancelBatchJobs(project: Project, stateDir: string, conn: Connection, signal?: AbortSignal): Promise<JobStatus[]> {
  const before = await batchJobs(project, stateDir, conn, signal);
  for (const j of before) if (j.jobName && (j.state === "PENDING" || j.state === "RUNNING")) await conn.batch!.cancel(j.jobName, signal);
  return batchJobs(project, stateDir, conn, signal);
}
