import { Agent, request, type Dispatcher } from "undici";
import { HttpError, redactUrl } from "./errors.js";
import type { RateLimiter } from "./rate-limit.js";
import { DEFAULT_RETRY, RETRYABLE_STATUS, withRetry, type RetryHooks, type RetryPolicy } from "./retry.js";

/** What a provider reads out of an error answer. */
export interface ErrorDetails {
  code?: string;
  message?: string;
  retryAfterMs?: number;
}

export interface JsonRequest {
  method: "GET" | "POST" | "DELETE" | "PUT";
  url: string;
  headers?: Record<string, string>;
  /** Sent as JSON. */
  body?: unknown;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Reads the provider's error body (called for non-2xx answers). */
  describeError?: (status: number, body: unknown) => ErrorDetails;
  /**
   * A status carried inside a 2xx body (APIDot's `code`): outside 200-299 it is treated as
   * that HTTP status, so the retry policy and the rate limiter see it.
   */
  bodyStatus?: (body: unknown) => number | undefined;
}

export interface JsonResponse<T = unknown> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: T;
}

export interface HttpClientOptions {
  /** undici dispatcher (default: a keep-alive Agent owned by this client). */
  dispatcher?: Dispatcher;
  retry?: Partial<RetryPolicy>;
  /** Per-request timeout in ms (default 60 s). */
  timeoutMs?: number;
  /** Paces every attempt of json() and slows down on 429 (one limiter per provider). */
  limiter?: RateLimiter;
}

/** JSON over HTTP with keep-alive pools, one error type and the tool's one retry policy. */
export class HttpClient {
  readonly dispatcher: Dispatcher;
  readonly policy: RetryPolicy;
  readonly limiter?: RateLimiter;
  readonly timeoutMs: number;
  private readonly ownsDispatcher: boolean;

  constructor(opts: HttpClientOptions = {}) {
    this.ownsDispatcher = !opts.dispatcher;
    this.dispatcher = opts.dispatcher ?? new Agent({ keepAliveTimeout: 10_000, connections: 64 });
    this.policy = { ...DEFAULT_RETRY, ...opts.retry };
    this.timeoutMs = opts.timeoutMs ?? 60_000;
    this.limiter = opts.limiter;
  }

  /** One attempt; any non-2xx answer, network failure or unparsable body throws HttpError. */
  async send<T = unknown>(req: JsonRequest): Promise<JsonResponse<T>> {
    const url = redactUrl(req.url);
    const timeout = req.timeoutMs ?? this.timeoutMs;
    const signal = req.signal ? AbortSignal.any([req.signal, AbortSignal.timeout(timeout)]) : AbortSignal.timeout(timeout);
    let res: Dispatcher.ResponseData;
    try {
      res = await request(req.url, {
        method: req.method,
        dispatcher: this.dispatcher,
        headers: { accept: "application/json", ...(req.body !== undefined ? { "content-type": "application/json" } : {}), ...req.headers },
        body: req.body !== undefined ? JSON.stringify(req.body) : undefined,
        signal,
        headersTimeout: timeout,
        bodyTimeout: timeout,
      });
    } catch (err) {
      throw networkError(err, req, url);
    }
    let text: string;
    try {
      text = await res.body.text();
    } catch (err) {
      throw networkError(err, req, url);
    }
    const parsed = parseJson(text);
    const inBody = parsed.ok && res.statusCode >= 200 && res.statusCode < 300 ? req.bodyStatus?.(parsed.value) : undefined;
    const status = inBody !== undefined && (inBody < 200 || inBody >= 300) ? inBody : res.statusCode;
    if (status < 200 || status >= 300) {
      const details = req.describeError?.(status, parsed.value) ?? {};
      const retryAfterMs = details.retryAfterMs ?? retryAfterFromHeaders(res.headers);
      const message = details.message ?? (typeof parsed.value === "string" ? parsed.value.slice(0, 200) : status.toString());
      throw new HttpError(
        `${req.method} ${url} → ${status}${status !== res.statusCode ? ` (in a ${res.statusCode} body)` : ""}${details.code ? ` ${details.code}` : ""}: ${message}`,
        {
          url,
          method: req.method,
          status,
          code: details.code,
          retryable: RETRYABLE_STATUS.has(status),
          retryAfterMs,
          mayHaveReachedServer: true,
        },
      );
    }
    if (!parsed.ok) {
      throw new HttpError(`${req.method} ${url} → ${res.statusCode}: the answer is not valid JSON`, {
        url,
        method: req.method,
        status: res.statusCode,
        code: "malformed_json",
        retryable: true,
        mayHaveReachedServer: true,
      });
    }
    return { status: res.statusCode, headers: res.headers, body: parsed.value as T };
  }

  /** `send` with retries of transient failures under the policy, each attempt paced by the limiter. */
  async json<T = unknown>(req: JsonRequest, hooks: Omit<RetryHooks, "signal"> = {}): Promise<JsonResponse<T>> {
    const attempt = async () => {
      await this.limiter?.acquire(req.signal);
      try {
        const res = await this.send<T>(req);
        this.limiter?.succeeded();
        return res;
      } catch (err) {
        if (err instanceof HttpError && err.status === 429) this.limiter?.throttled(err.info.retryAfterMs);
        throw err;
      }
    };
    return withRetry(attempt, this.policy, { ...hooks, signal: req.signal });
  }

  async close(): Promise<void> {
    if (this.ownsDispatcher) await this.dispatcher.close();
  }
}

function parseJson(text: string): { ok: boolean; value: unknown } {
  if (text === "") return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, value: text };
  }
}

const NOT_SENT = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "UND_ERR_CONNECT_TIMEOUT"]);

function networkError(err: unknown, req: JsonRequest, url: string): HttpError {
  const e = err as { code?: string; name?: string; message?: string; cause?: { code?: string } };
  const aborted = req.signal?.aborted === true;
  const code = e.code ?? e.cause?.code ?? e.name;
  const timedOut = e.name === "TimeoutError" || code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_BODY_TIMEOUT";
  return new HttpError(`${req.method} ${url} failed: ${timedOut ? "timed out" : (e.message ?? String(err))}`, {
    url,
    method: req.method,
    code: timedOut ? "timeout" : code,
    retryable: !aborted,
    mayHaveReachedServer: !NOT_SENT.has(code ?? ""),
    aborted,
  });
}

/** Reads `retry-after-ms`, then `retry-after` (seconds or an HTTP date). */
export function retryAfterFromHeaders(headers: Record<string, string | string[] | undefined>): number | undefined {
  const ms = Number(headers["retry-after-ms"]);
  if (Number.isFinite(ms) && ms >= 0 && headers["retry-after-ms"] !== undefined) return ms;
  const ra = headers["retry-after"];
  if (typeof ra !== "string") return undefined;
  const secs = Number(ra);
  if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const date = Date.parse(ra);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
