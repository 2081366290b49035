import { createReadStream, statSync } from "node:fs";
import type { Readable } from "node:stream";
import type { HttpClient } from "../../transport/client.js";
import type { BatchApi, BatchJobInfo, BatchLine, BatchState } from "../batch-types.js";
import type { ErrorDetails } from "../../transport/client.js";

export type { BatchJobInfo, BatchLine };

type Obj = Record<string, unknown>;
const get = (o: unknown, ...keys: string[]): unknown => {
  for (const k of keys) if (o && typeof o === "object" && (o as Obj)[k] !== undefined) return (o as Obj)[k];
  return undefined;
};

/** Reads an Operation (create, get or list answer) in either spelling. */
export function toBatchJob(op: unknown): BatchJobInfo {
  const meta = get(op, "metadata") ?? {};
  const stateText = String(get(meta, "state") ?? "BATCH_STATE_PENDING").replace(/^(BATCH|JOB)_STATE_/, "");
  const state = (
    ["PENDING", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED", "EXPIRED"].includes(stateText) ? stateText : "PENDING"
  ) as BatchState;
  const stats = get(meta, "batchStats", "batch_stats") ?? {};
  const n = (k: string, s: string) => Number(get(stats, k, s) ?? 0) || 0;
  const output = get(op, "response") ?? get(meta, "output") ?? {};
  const inlinedWrap = get(output, "inlinedResponses", "inlined_responses");
  const inlined = Array.isArray(inlinedWrap) ? inlinedWrap : get(inlinedWrap, "inlinedResponses", "inlined_responses");
  const err = get(op, "error");
  return {
    name: String(get(op, "name") ?? get(meta, "name") ?? ""),
    displayName: get(meta, "displayName", "display_name") as string | undefined,
    state,
    done: get(op, "done") === true || ["SUCCEEDED", "FAILED", "CANCELLED", "EXPIRED"].includes(state),
    stats: {
      requests: n("requestCount", "request_count"),
      succeeded: n("successfulRequestCount", "successful_request_count"),
      failed: n("failedRequestCount", "failed_request_count"),
      pending: n("pendingRequestCount", "pending_request_count"),
    },
    responsesFile: get(output, "responsesFile", "responses_file") as string | undefined,
    inlined: Array.isArray(inlined) ? inlined : undefined,
    error: err ? String(get(err, "message") ?? JSON.stringify(err)) : undefined,
  };
}

/**
 * The Gemini Batch API and Files API, over the tool's one transport. Create is not
 * idempotent: it is repeated only when it surely did not arrive; the caller finds its job by
 * display name after any other doubt.
 */
export class GeminiBatchApi implements BatchApi {
  private readonly base: string;
  private readonly headers: Record<string, string>;

  constructor(
    baseUrl: string,
    apiKey: string,
    private readonly http: HttpClient,
    /** Reads Google's error body (the adapter's, so both paths say the same). */
    private readonly describeGeminiError: (status: number, body: unknown) => ErrorDetails,
  ) {
    this.base = baseUrl.replace(/\/+$/, "");
    this.headers = { "x-goog-api-key": apiKey };
  }

  /** Uploads a JSONL file with the resumable protocol, streamed from disk (never whole in memory); returns its `files/…` name. */
  async upload(file: string, displayName: string, signal?: AbortSignal): Promise<string> {
    const size = statSync(file).size;
    const started = await this.http.bytes({
      method: "POST",
      url: `${this.base}/upload/v1beta/files`,
      headers: {
        ...this.headers,
        "x-goog-upload-protocol": "resumable",
        "x-goog-upload-command": "start",
        "x-goog-upload-header-content-length": String(size),
        "x-goog-upload-header-content-type": "application/jsonl",
      },
      contentType: "application/json",
      body: Buffer.from(JSON.stringify({ file: { display_name: displayName } })),
      signal,
      what: "batch input upload",
    });
    const uploadUrl = started.headers["x-goog-upload-url"];
    if (typeof uploadUrl !== "string") throw new Error("the Files API answered the upload start without an x-goog-upload-url");
    const done = await this.http.bytes({
      method: "POST",
      url: uploadUrl,
      headers: {
        ...this.headers,
        "content-length": String(size),
        "x-goog-upload-offset": "0",
        "x-goog-upload-command": "upload, finalize",
      },
      body: () => createReadStream(file),
      signal,
      deadlineMs: Math.max(this.http.deadlineMs, 30 * 60_000),
      what: "batch input upload",
    });
    const name = get(get(JSON.parse(done.data.toString("utf8") || "{}"), "file"), "name");
    if (typeof name !== "string") throw new Error("the Files API finalized the upload without a file name");
    return name;
  }

  /** Creates a job from inline lines or an uploaded file. Paid: repeated only when it surely did not arrive. */
  async create(
    modelId: string,
    displayName: string,
    input: { lines: BatchLine[] } | { fileName: string },
    signal?: AbortSignal,
  ): Promise<BatchJobInfo> {
    const inputConfig =
      "fileName" in input
        ? { file_name: input.fileName }
        : { requests: { requests: input.lines.map((l) => ({ request: l.request, metadata: { key: l.key } })) } };
    const res = await this.http.json({
      method: "POST",
      url: `${this.base}/v1beta/models/${encodeURIComponent(modelId)}:batchGenerateContent`,
      headers: this.headers,
      body: { batch: { display_name: displayName, input_config: inputConfig } },
      signal,
      describeError: this.describeGeminiError,
      // Paid and not idempotent: repeated only when it surely did not arrive.
      createsTask: true,
    });
    return toBatchJob(res.body);
  }

  async get(name: string, signal?: AbortSignal): Promise<BatchJobInfo> {
    const res = await this.http.json({
      method: "GET",
      url: `${this.base}/v1beta/${name}`,
      headers: this.headers,
      signal,
      describeError: this.describeGeminiError,
    });
    return toBatchJob(res.body);
  }

  /** Every job of the project's key, page by page, until `stop` says enough. */
  async find(displayNames: Set<string>, signal?: AbortSignal): Promise<Map<string, BatchJobInfo>> {
    const found = new Map<string, BatchJobInfo>();
    let token: string | undefined;
    do {
      const url = `${this.base}/v1beta/batches?pageSize=100${token ? `&pageToken=${encodeURIComponent(token)}` : ""}`;
      const res = await this.http.json<{ operations?: unknown[]; nextPageToken?: string }>({
        method: "GET",
        url,
        headers: this.headers,
        signal,
        describeError: this.describeGeminiError,
      });
      for (const op of res.body?.operations ?? []) {
        const job = toBatchJob(op);
        if (job.displayName && displayNames.has(job.displayName)) found.set(job.displayName, job);
      }
      token = res.body?.nextPageToken || undefined;
    } while (token && found.size < displayNames.size);
    return found;
  }

  async cancel(name: string, signal?: AbortSignal): Promise<void> {
    await this.http.json({
      method: "POST",
      url: `${this.base}/v1beta/${name}:cancel`,
      headers: this.headers,
      signal,
      describeError: this.describeGeminiError,
    });
  }

  /** Reads the results file as it arrives: `consume` gets the body stream (one attempt). */
  download<T>(fileName: string, consume: (body: Readable) => Promise<T>, signal?: AbortSignal): Promise<T> {
    return this.http.stream(
      {
        method: "GET",
        url: `${this.base}/download/v1beta/${fileName}:download?alt=media`,
        headers: this.headers,
        signal,
        // A catalog's results are gigabytes: the whole read may take long, each chunk may not.
        deadlineMs: 6 * 3600_000,
        what: "batch results download",
      },
      consume,
    );
  }
}
