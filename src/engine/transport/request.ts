import type { Readable } from "node:stream";

/** What a provider reads out of an error answer. */
export interface ErrorDetails {
  code?: string;
  message?: string;
  retryAfterMs?: number;
  /** Overrides the status's retryability: false for an answer that will not change (a per-day quota). */
  retryable?: boolean;
}

/** What every request through the transport shares: JSON calls, downloads, uploads, checks. */
export interface RequestBase {
  method: "GET" | "POST" | "DELETE" | "PUT" | "HEAD";
  url: string;
  headers?: Record<string, string>;
  /** Idle timeout: no header or body byte for this long fails the attempt (default: the client's). */
  timeoutMs?: number;
  /** Total time one attempt may take, however steadily bytes trickle in (default: the client's). */
  deadlineMs?: number;
  /** Most bytes a body may have; a larger one fails for good, unread (default: the client's). */
  maxBytes?: number;
  signal?: AbortSignal;
  /**
   * This request may create a paid task (a submit). The one retry policy then repeats it only
   * when it surely created nothing (a 408/429/5xx answer, or never sent); an unknown outcome
   * (sent, no answer) is never blindly repeated, unless `idempotent` says the provider
   * honours `idempotencyKey` and answers a repeat with the first task.
   */
  createsTask?: boolean;
  /** Sent as the `Idempotency-Key` header. */
  idempotencyKey?: string;
  /** The provider honours `idempotencyKey` (set by the provider runtime, from the definition). */
  idempotent?: boolean;
  /** Paced by the client's rate limiter (default: true for JSON calls, false for byte transfers). */
  paced?: boolean;
  /** Connect only to public addresses, checked when the socket resolves its host (reference fetches). */
  publicHostsOnly?: boolean;
}

export interface JsonRequest extends RequestBase {
  /** Sent as JSON. */
  body?: unknown;
  /** Reads the provider's error body (called for non-2xx answers). */
  describeError?: (status: number, body: unknown) => ErrorDetails;
  /**
   * A status carried inside a 2xx body (APIDot's `code`): outside 200-299 it is treated as
   * that HTTP status, so the retry policy and the rate limiter see it.
   */
  bodyStatus?: (body: unknown) => number | undefined;
  /**
   * For a request whose 2xx answer is final (a synchronous submit): called once a 2xx body is
   * in, before it is parsed, and the parse waits for it. Not called with `bodyStatus`, whose
   * 2xx may still be an error to retry.
   */
  answered?: () => Promise<void>;
}

/** Raw bytes in and out: uploads, reference fetches, downloads. */
export interface BytesRequest extends RequestBase {
  /** The bytes, or a stream of them opened anew for each attempt (a big upload read from its file, never held whole). */
  body?: Uint8Array | (() => Readable);
  contentType?: string;
  /** For downloads of signed result URLs: 403/410 become code `url_expired`. */
  expiring?: boolean;
  /** What this request is for, in messages ("reference image", "download"). */
  what?: string;
}

export interface JsonResponse<T = unknown> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: T;
}

export interface BytesResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  data: Buffer;
}
