import { mkdirSync } from "node:fs";
import type { EventSink } from "../build/events.js";
import type { BatchApi, BatchJobInfo } from "../providers/batch-types.js";
import { abortableSleep } from "../transport/retry.js";
import { collectLine, lineKey, type CollectDeps } from "./collect.js";
import type { BatchJournal } from "./job-journal.js";
import type { BatchItem, BatchRecord } from "./job-journal.js";

/** What collecting a job needs. */
export interface CollectJobDeps {
  api: BatchApi;
  journal: BatchJournal;
  collect: CollectDeps;
  emit: EventSink;
  signal?: AbortSignal;
  /** Called before the results are read and after every RECLAIM_EVERY of them (see BuildOptions.reclaimMemory). */
  reclaimMemory?: () => void;
}
import { jsonlLines } from "./jsonl-lines.js";
import type { BatchOutcome } from "./types.js";

const DOWNLOAD_ATTEMPTS = 5;
/**
 * Images decoded and saved at once while the results stream in. Two keep both cores busy (the
 * event loop parses the next line while libvips decodes); each more decode in flight leaves
 * libvips buffers in one more thread's malloc arena: 4 gave a 2,000-image collection a peak
 * RSS of 216-232 MB, 2 gave 194-196 MB (3: 205) at about the same speed.
 */
const IN_FLIGHT = 2;
/** Results between two calls of `reclaimMemory`. */
const RECLAIM_EVERY = 100;

/**
 * Collects a finished job: its results file is read line by line from the download stream,
 * each image decoded, checked and stored as it arrives (at most a few lines in memory). A
 * download cut short is opened again and the lines already handled are skipped. Requests
 * without a result (a job that FAILED, EXPIRED or was CANCELLED first) were not charged:
 * their assets go back to "to generate", reported. The record is removed at the end.
 */
export async function collectJob(
  record: BatchRecord,
  job: BatchJobInfo,
  o: CollectJobDeps,
  settle: (hash: string, outcome: BatchOutcome) => void,
): Promise<void> {
  const items = new Map(record.items.map((i) => [i.hash, i]));
  const handled = new Set<string>();
  let sinceReclaim = 0;
  mkdirSync(o.collect.incoming, { recursive: true });
  // The garbage of planning, uploading and waiting goes before the results come in.
  o.reclaimMemory?.();
  // Not async: nothing here holds the line (its base64 text) while its image is saved.
  const handle = (line: Record<string, unknown>): Promise<void> => {
    const key = lineKey(line);
    const item = key === undefined ? undefined : items.get(key);
    if (!item || handled.has(item.hash)) return Promise.resolve();
    handled.add(item.hash);
    let pending: Promise<BatchOutcome>;
    try {
      pending = collectLine(line, item, record, o.collect);
    } catch (err) {
      pending = Promise.reject(err);
    }
    return pending
      .catch((err: unknown): BatchOutcome => ({ status: "failed", error: `could not save the batch result: ${(err as Error).message}` }))
      .then((outcome) => {
        settle(item.hash, outcome);
        if (++sinceReclaim >= RECLAIM_EVERY) {
          sinceReclaim = 0;
          o.reclaimMemory?.();
        }
      });
  };
  if (job.inlined) {
    for (const line of job.inlined) await handle(line as Record<string, unknown>);
  } else if (job.responsesFile) {
    for (let attempt = 1; ; attempt++) {
      try {
        await readResults(job.responsesFile, o, handle);
        break;
      } catch (err) {
        if (attempt >= DOWNLOAD_ATTEMPTS || o.signal?.aborted) {
          for (const i of unhandled(record.items, handled))
            settle(i.hash, {
              status: "skipped",
              reason: `the results of batch job ${record.jobName} could not be read (${(err as Error).message}); the next build reads them again`,
              taskId: record.jobName,
            });
          return;
        }
        o.emit({
          type: "retry",
          name: record.displayName,
          what: "batch results download",
          attempt,
          delayMs: 500 * attempt,
          error: (err as Error).message,
        });
        await abortableSleep(500 * attempt, o.signal).catch(() => {});
      }
    }
  }
  const left = unhandled(record.items, handled);
  const why =
    job.state === "SUCCEEDED"
      ? "the batch job's results have no line for this request"
      : `batch job ${record.jobName} ended ${job.state}${job.error ? ` (${job.error})` : ""} before this request ran; it was not charged and the next build submits it again`;
  for (const i of left) settle(i.hash, { status: "failed", error: why, taskId: record.jobName });
  if (left.length && job.state !== "SUCCEEDED")
    o.emit({
      type: "warning",
      message: `batch job ${record.jobName} ended ${job.state}: ${left.length} request${left.length === 1 ? "" : "s"} not run, back to "to generate"`,
    });
  o.journal.remove(record.displayName);
}

function readResults(
  fileName: string,
  o: Pick<CollectJobDeps, "api" | "signal">,
  handle: (line: Record<string, unknown>) => Promise<void>,
): Promise<void> {
  return o.api.download(
    fileName,
    async (stream) => {
      const running = new Set<Promise<void>>();
      const lines = jsonlLines(stream);
      try {
        for (;;) {
          // Wait for room before the next line is read, never while holding one: a line's text
          // (its base64 images) then dies young instead of outliving a wait and being promoted.
          while (running.size >= IN_FLIGHT) await Promise.race(running);
          const next = await lines.next();
          if (next.done) break;
          const p = handle(parseLine(next.value)).finally(() => running.delete(p));
          running.add(p);
        }
      } finally {
        await lines.return(undefined);
        await Promise.all(running);
      }
    },
    o.signal,
  );
}

function parseLine(text: string): Record<string, unknown> {
  try {
    return JSON.parse(text);
  } catch {
    throw new Error("a results line was cut short");
  }
}

function unhandled(items: BatchItem[], handled: Set<string>): BatchItem[] {
  return items.filter((i) => !handled.has(i.hash));
}
