import type { Readable } from "node:stream";

/** A batch job's state, as Google names it (the SDK's JOB_STATE_* is accepted too). */
export type BatchState = "PENDING" | "RUNNING" | "SUCCEEDED" | "FAILED" | "CANCELLED" | "EXPIRED";

/** What nanobanana reads of a batch Operation. */
export interface BatchJobInfo {
  /** `batches/…` */
  name: string;
  displayName?: string;
  state: BatchState;
  done: boolean;
  stats: { requests: number; succeeded: number; failed: number; pending: number };
  /** `files/…` holding the JSONL results (file jobs). */
  responsesFile?: string;
  /** Inline jobs: each `{response | error, metadata: {key}}`. */
  inlined?: unknown[];
  error?: string;
}

/** One line of a batch input: the request's key (the spec hash) and its GenerateContentRequest. */
export interface BatchLine {
  key: string;
  request: Record<string, unknown>;
}

/** A provider's Batch API as batch mode drives it (Gemini's today). */
export interface BatchApi {
  /** Uploads a JSONL input file; returns the provider's file name. */
  upload(file: string, displayName: string, signal?: AbortSignal): Promise<string>;
  /** Creates a job (paid; not idempotent). */
  create(
    modelId: string,
    displayName: string,
    input: { lines: BatchLine[] } | { fileName: string },
    signal?: AbortSignal,
  ): Promise<BatchJobInfo>;
  get(name: string, signal?: AbortSignal): Promise<BatchJobInfo>;
  /** Looks jobs up by display name. */
  find(displayNames: Set<string>, signal?: AbortSignal): Promise<Map<string, BatchJobInfo>>;
  cancel(name: string, signal?: AbortSignal): Promise<void>;
  /** Reads the results file as it arrives: `consume` gets the body stream. */
  download<T>(fileName: string, consume: (body: Readable) => Promise<T>, signal?: AbortSignal): Promise<T>;
}
