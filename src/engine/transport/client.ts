import type { Readable } from "node:stream";
import type { Dispatcher } from "undici";
import { HttpError, redactUrl } from "./errors.js";
import type { RateLimiter } from "./rate-limit.js";
import { LocalWriteError, readCapped, streamToFile } from "./read-body.js";
import type { BytesRequest, BytesResponse, JsonRequest, JsonResponse, RequestBase } from "./request.js";
import { DEFAULT_RETRY, isRetryable, isSafeToResubmit, RETRYABLE_STATUS, withRetry, type RetryHooks, type RetryPolicy } from "./retry.js";
import { headerSecrets, scrubSecrets } from "./scrub.js";

export type { BytesRequest, BytesResponse, ErrorDetails, JsonRequest, JsonResponse, RequestBase } from "./request.js";

export interface HttpClientOptions {
  /** undici dispatcher (default: a keep-alive Agent owned by this client). */
  dispatcher?: Dispatcher;
  retry?: Partial<RetryPolicy>;
  /** Idle timeout of a request in ms (default 60 s): no byte for this long fails the attempt. */
  timeoutMs?: number;
  /** Total time one attempt may take in ms (default 5 min): a trickling server cannot hold a build. */
  deadlineMs?: number;
  /** Largest JSON answer in bytes (default 32 MB). */
  maxJsonBytes?: number;
  /** Largest download or fetched file in bytes (default 100 MB). */
  maxDownloadBytes?: number;
  /** Paces JSON calls and slows down on 429 (one limiter per provider). */
  limiter?: RateLimiter;
  /** Values scrubbed from every error message (the API key). */
  secrets?: string[];
}

/** Retry hooks a caller may pass: which failures are retried is the request's business, not the caller's. */
export type CallHooks = Omit<RetryHooks, "signal" | "shouldRetry">;

/**
 * The one HTTP client: JSON calls, downloads, uploads and reference checks, all with keep-alive
 * pools, one error type, a total deadline and a size cap per body, and the one retry policy.
 * undici is loaded on first use.
 */
export class HttpClient {
  readonly policy: RetryPolicy;
  readonly limiter?: RateLimiter;
  readonly timeoutMs: number;
  readonly deadlineMs: number;
  readonly maxJsonBytes: number;
  readonly maxDownloadBytes: number;
  private readonly secrets: string[];
  private readonly given?: Dispatcher;
  private owned?: Promise<Dispatcher>;
  private publicOwned?: Promise<Dispatcher>;
  /** Exchanges begun and not yet over (their response read, or failed). */
  private running = 0;

  constructor(opts: HttpClientOptions = {}) {
    this.given = opts.dispatcher;
    this.policy = { ...DEFAULT_RETRY, ...opts.retry };
    this.timeoutMs = opts.timeoutMs ?? 60_000;
    this.deadlineMs = opts.deadlineMs ?? 5 * 60_000;
    this.maxJsonBytes = opts.maxJsonBytes ?? 32 * 2 ** 20;
    this.maxDownloadBytes = opts.maxDownloadBytes ?? 100 * 2 ** 20;
    this.limiter = opts.limiter;
    this.secrets = (opts.secrets ?? []).filter(Boolean);
  }

  /** One JSON attempt; any non-2xx answer, network failure, unparsable or oversized body throws HttpError. */
  async send<T = unknown>(req: JsonRequest): Promise<JsonResponse<T>> {
    const headers = {
      accept: "application/json",
      ...(req.body !== undefined ? { "content-type": "application/json" } : {}),
      ...req.headers,
    };
    const body = req.body !== undefined ? JSON.stringify(req.body) : undefined;
    return this.exchange(req, headers, body, async (res, url, guard) => {
      const bytes = await readCapped(res, req.maxBytes ?? this.maxJsonBytes, guard, url);
      if (req.answered && !req.bodyStatus && res.statusCode >= 200 && res.statusCode < 300) await req.answered();
      const text = bytes.toString("utf8");
      const parsed = parseJson(text);
      const inBody = parsed.ok && res.statusCode >= 200 && res.statusCode < 300 ? req.bodyStatus?.(parsed.value) : undefined;
      const status = inBody !== undefined && (inBody < 200 || inBody >= 300) ? inBody : res.statusCode;
      if (status < 200 || status >= 300) {
        const details = req.describeError?.(status, parsed.value) ?? {};
        const retryAfterMs = details.retryAfterMs ?? retryAfterFromHeaders(res.headers);
        const message = details.message ?? (typeof parsed.value === "string" ? parsed.value.slice(0, 200) : status.toString());
        const where = status !== res.statusCode ? ` (in a ${res.statusCode} body)` : "";
        throw new HttpError(`${req.method} ${url} → ${status}${where}${details.code ? ` ${details.code}` : ""}: ${message}`, {
          url,
          method: req.method,
          status,
          code: details.code,
          retryable: details.retryable ?? RETRYABLE_STATUS.has(status),
          retryAfterMs,
          mayHaveReachedServer: true,
        });
      }
      if (!parsed.ok) {
        throw new HttpError(`${req.method} ${url} → ${res.statusCode}: the answer is not valid JSON`, {
          url,
          method: req.method,
          status: res.statusCode,
          code: "malformed_json",
          retryable: true,
          mayHaveReachedServer: true,
          excerpt: text.slice(0, 200),
        });
      }
      return { status: res.statusCode, headers: res.headers, body: parsed.value as T };
    });
  }

  /** `send` with retries of transient failures under the policy, each attempt paced by the limiter. */
  json<T = unknown>(req: JsonRequest, hooks: CallHooks = {}): Promise<JsonResponse<T>> {
    return this.withPolicy(req, req.paced ?? true, () => this.send<T>(req), hooks);
  }

  /** Bytes in, bytes out (a reference fetch, an upload), buffered under the download cap; non-2xx throws. */
  bytes(req: BytesRequest, hooks: CallHooks = {}): Promise<BytesResponse> {
    return this.withPolicy(req, req.paced ?? false, () => this.sendBytes(req), hooks);
  }

  /** Streams a body to `file` (a temp file the caller renames), under the cap and the deadline; returns its size. */
  download(req: BytesRequest, file: string, hooks: CallHooks = {}): Promise<{ bytes: number; headers: BytesResponse["headers"] }> {
    return this.withPolicy(
      req,
      req.paced ?? false,
      () =>
        this.exchange(req, this.bytesHeaders(req), bodyOf(req), async (res, url, guard) => {
          await failUnlessOk(res, req, url);
          const bytes = await streamToFile(res, file, req.maxBytes ?? this.maxDownloadBytes, guard, url);
          return { bytes, headers: res.headers };
        }),
      hooks,
    );
  }

  /**
   * Hands a 2xx body to `consume` as it arrives (a batch results file read line by line, never
   * held whole); non-2xx throws. One attempt: a consumer that has seen part of a body decides
   * itself how to go on.
   */
  stream<T>(req: BytesRequest, consume: (body: Readable) => Promise<T>): Promise<T> {
    return this.exchange(req, this.bytesHeaders(req), bodyOf(req), async (res, url) => {
      await failUnlessOk(res, req, url);
      return consume(res.body as unknown as Readable);
    });
  }

  /**
   * Closes the connections this client opened. With no exchange running (the end of a build)
   * they are dropped at once: a graceful close waits for the server to answer each socket's
   * end, ~10 ms at the end of every build. Otherwise the running requests are waited for.
   */
  async close(): Promise<void> {
    for (const owned of [this.owned, this.publicOwned]) {
      if (!owned) continue;
      const agent = await owned;
      await (this.running === 0 ? agent.destroy() : agent.close());
    }
  }

  private sendBytes(req: BytesRequest): Promise<BytesResponse> {
    return this.exchange(req, this.bytesHeaders(req), bodyOf(req), async (res, url, guard) => {
      await failUnlessOk(res, req, url);
      const data = req.method === "HEAD" ? Buffer.alloc(0) : await readCapped(res, req.maxBytes ?? this.maxDownloadBytes, guard, url);
      return { status: res.statusCode, headers: res.headers, data };
    });
  }

  private bytesHeaders(req: BytesRequest): Record<string, string> {
    return { ...(req.contentType ? { "content-type": req.contentType } : {}), ...req.headers };
  }

  private async withPolicy<T>(req: RequestBase, paced: boolean, send: () => Promise<T>, hooks: CallHooks): Promise<T> {
    const attempt = async () => {
      const permit = paced ? await this.limiter?.acquire(req.signal) : undefined;
      try {
        const res = await send();
        permit?.answered();
        if (paced) this.limiter?.succeeded();
        return res;
      } catch (err) {
        if (paced && err instanceof HttpError && err.status === 429) this.limiter?.throttled(err.info.retryAfterMs, permit);
        else permit?.answered();
        throw err;
      }
    };
    // Whether a failure may be repeated is a property of the request, never the caller's choice.
    const shouldRetry = req.createsTask && !(req.idempotent && req.idempotencyKey) ? isSafeToResubmit : isRetryable;
    return withRetry(attempt, this.policy, { ...hooks, shouldRetry, signal: req.signal });
  }

  /**
   * One attempt: sends, hands the response to `read` under the idle timeout and total
   * deadline, and turns every failure into a scrubbed HttpError.
   */
  private async exchange<T>(
    req: RequestBase,
    headers: Record<string, string>,
    body: string | Uint8Array | Readable | undefined,
    read: (res: Dispatcher.ResponseData, url: string, guard: Guard) => Promise<T>,
  ): Promise<T> {
    const url = redactUrl(req.url);
    const secrets = [...this.secrets, ...headerSecrets(req.headers)];
    const idle = req.timeoutMs ?? this.timeoutMs;
    // Loaded before the clock starts: the first import of undici can take a while on a busy machine.
    const { request } = await import("./undici.js");
    const dispatcher = await this.dispatcher(req.publicHostsOnly);
    const deadline = AbortSignal.timeout(req.deadlineMs ?? this.deadlineMs);
    const signal = req.signal ? AbortSignal.any([req.signal, deadline]) : deadline;
    const guard: Guard = { deadline, signal, deadlineMs: req.deadlineMs ?? this.deadlineMs };
    this.running++;
    try {
      const res = await request(req.url, {
        method: req.method,
        dispatcher,
        headers: req.idempotencyKey ? { ...headers, "idempotency-key": req.idempotencyKey } : headers,
        body,
        signal,
        headersTimeout: idle,
        bodyTimeout: idle,
      }).catch((err: unknown) => {
        throw networkError(err, req, url, guard);
      });
      try {
        return await read(res, url, guard);
      } catch (err) {
        if (!res.body.destroyed) res.body.destroy();
        throw err instanceof HttpError || err instanceof LocalWriteError ? err : networkError(err, req, url, guard);
      }
    } catch (err) {
      if (err instanceof HttpError) err.message = scrubSecrets(err.message, secrets);
      throw err;
    } finally {
      this.running--;
    }
  }

  private dispatcher(publicHostsOnly = false): Promise<Dispatcher> {
    if (this.given) return Promise.resolve(this.given);
    if (publicHostsOnly) {
      // A pool of its own: its sockets resolve through publicLookup, and none is shared with provider calls.
      this.publicOwned ??= Promise.all([import("./undici.js"), import("./public-lookup.js")]).then(
        ([{ Agent }, { publicLookup }]) => new Agent({ keepAliveTimeout: 10_000, connections: 16, connect: { lookup: publicLookup } }),
      );
      return this.publicOwned;
    }
    this.owned ??= import("./undici.js").then(({ Agent }) => new Agent({ keepAliveTimeout: 10_000, connections: 64 }));
    return this.owned;
  }
}

/** An attempt's body: a stream body is opened again for each attempt. */
function bodyOf(req: BytesRequest): Uint8Array | Readable | undefined {
  return typeof req.body === "function" ? req.body() : req.body;
}

/** The signals of one attempt: `deadline` fires when its total time is up. */
export interface Guard {
  deadline: AbortSignal;
  signal: AbortSignal;
  deadlineMs: number;
}

async function failUnlessOk(res: Dispatcher.ResponseData, req: BytesRequest, url: string): Promise<void> {
  if (res.statusCode >= 200 && res.statusCode < 300) return;
  await res.body.dump().catch(() => {});
  const expired = req.expiring === true && (res.statusCode === 403 || res.statusCode === 410);
  const what = req.what ? ` (${req.what})` : "";
  throw new HttpError(`${req.method} ${url}${what} → ${res.statusCode}${expired ? " (the result URL may have expired)" : ""}`, {
    url,
    method: req.method,
    status: res.statusCode,
    code: expired ? "url_expired" : undefined,
    retryable: RETRYABLE_STATUS.has(res.statusCode),
    retryAfterMs: retryAfterFromHeaders(res.headers),
    mayHaveReachedServer: true,
  });
}

function parseJson(text: string): { ok: boolean; value: unknown } {
  if (text === "") return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, value: text };
  }
}

const NOT_SENT = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "UND_ERR_CONNECT_TIMEOUT", "EPRIVATEHOST"]);

function networkError(err: unknown, req: RequestBase, url: string, guard: Guard): HttpError {
  const e = err as { code?: string; name?: string; message?: string; cause?: { code?: string } };
  const aborted = req.signal?.aborted === true;
  const code = e.code ?? e.cause?.code ?? e.name;
  const what = (req as BytesRequest).what ? ` (${(req as BytesRequest).what})` : "";
  if (guard.deadline.aborted && !aborted) {
    // A total deadline is a budget, not a hiccup: another attempt would take as long again.
    return new HttpError(`${req.method} ${url}${what} failed: took longer than ${Math.round(guard.deadlineMs / 1000)} s in all`, {
      url,
      method: req.method,
      code: "deadline",
      retryable: false,
      mayHaveReachedServer: true,
    });
  }
  const timedOut = e.name === "TimeoutError" || code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_BODY_TIMEOUT";
  return new HttpError(`${req.method} ${url}${what} failed: ${timedOut ? "timed out" : (e.message ?? String(err))}`, {
    url,
    method: req.method,
    code: timedOut ? "timeout" : code,
    // A host refused for its address answers the same on every attempt.
    retryable: !aborted && code !== "EPRIVATEHOST",
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
