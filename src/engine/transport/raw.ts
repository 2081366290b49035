import type { Readable } from "node:stream";
import { request, type Dispatcher } from "undici";
import type { ErrorDetails, HttpClient } from "./client.js";
import { HttpError, redactUrl } from "./errors.js";
import { RETRYABLE_STATUS, withRetry, type RetryHooks } from "./retry.js";

/** A request whose body is bytes (an upload) or whose answer is read as a stream (a download). */
export interface RawRequest {
  method: "GET" | "POST" | "PUT" | "DELETE";
  url: string;
  headers?: Record<string, string>;
  /** Bytes, text, or a stream factory (called again for each attempt). */
  body?: string | Uint8Array | (() => Readable);
  timeoutMs?: number;
  signal?: AbortSignal;
  describeError?: (status: number, body: unknown) => ErrorDetails;
}

/** An answer whose body has not been read yet. */
export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Readable;
}

/**
 * One attempt of a raw request through the client's dispatcher and limiter. A non-2xx answer
 * is read (it is small) and thrown as HttpError; a 2xx body is left to the caller to stream.
 */
export async function sendRaw(http: HttpClient, req: RawRequest): Promise<RawResponse> {
  const url = redactUrl(req.url);
  const timeout = req.timeoutMs ?? http.timeoutMs;
  let res: Dispatcher.ResponseData;
  await http.limiter?.acquire(req.signal);
  try {
    res = await request(req.url, {
      method: req.method,
      dispatcher: http.dispatcher,
      headers: req.headers,
      body: typeof req.body === "function" ? req.body() : req.body,
      signal: req.signal,
      headersTimeout: timeout,
      bodyTimeout: timeout,
    });
  } catch (err) {
    const e = err as { code?: string; message?: string };
    throw new HttpError(`${req.method} ${url} failed: ${e.message ?? String(err)}`, {
      url,
      method: req.method,
      code: e.code,
      retryable: !req.signal?.aborted,
      mayHaveReachedServer: e.code !== "ECONNREFUSED",
      aborted: req.signal?.aborted,
    });
  }
  if (res.statusCode >= 200 && res.statusCode < 300) {
    http.limiter?.succeeded();
    return { status: res.statusCode, headers: res.headers, body: res.body as unknown as Readable };
  }
  const text = await res.body.text().catch(() => "");
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  const details = req.describeError?.(res.statusCode, parsed) ?? {};
  if (res.statusCode === 429) http.limiter?.throttled(details.retryAfterMs);
  throw new HttpError(
    `${req.method} ${url} → ${res.statusCode}${details.code ? ` ${details.code}` : ""}: ${details.message ?? text.slice(0, 200)}`,
    {
      url,
      method: req.method,
      status: res.statusCode,
      code: details.code,
      retryable: RETRYABLE_STATUS.has(res.statusCode),
      retryAfterMs: details.retryAfterMs,
      mayHaveReachedServer: true,
    },
  );
}

/** `sendRaw` under the tool's one retry policy (for requests that are safe to repeat). */
export function raw(http: HttpClient, req: RawRequest, hooks: Omit<RetryHooks, "signal"> = {}): Promise<RawResponse> {
  return withRetry(() => sendRaw(http, req), http.policy, { ...hooks, signal: req.signal });
}

/** Reads a small raw answer as JSON (undefined when empty). */
export async function readJsonBody(res: RawResponse): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of res.body) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  return text ? JSON.parse(text) : undefined;
}
