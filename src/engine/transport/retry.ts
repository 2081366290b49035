import { HttpError, NotSentError } from "./errors.js";

/** The one retry policy of the tool: which failures are retried, and how long to wait. */
export interface RetryPolicy {
  /** Retries after the first attempt (default 6). */
  maxRetries: number;
  /** First backoff in ms (default 500); doubles each attempt, with full jitter. */
  baseDelayMs: number;
  /** Cap of one computed backoff (default 30 s). */
  maxDelayMs: number;
  /** Cap of a server-requested wait (default 120 s); a longer hint fails the call instead. */
  maxHintMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxRetries: 6, baseDelayMs: 500, maxDelayMs: 30_000, maxHintMs: 120_000 };

/** Statuses that a retry may fix. 400, 401, 402, 403, 404 and 422 never are. */
export const RETRYABLE_STATUS = new Set([408, 429, 500, 502, 503, 504]);

/** True when `err` is worth another attempt. An aborted call never is. */
export function isRetryable(err: unknown): boolean {
  if (err instanceof HttpError) return err.info.retryable && !err.info.aborted;
  return false;
}

/** How long to wait before retry number `attempt` (0-based): the server's hint, else jittered backoff. */
export function retryDelayMs(attempt: number, err: unknown, policy: RetryPolicy, random: () => number = Math.random): number {
  const hint = err instanceof HttpError ? err.info.retryAfterMs : undefined;
  if (hint !== undefined) return Math.min(hint + random() * 250, policy.maxHintMs);
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return ceiling / 2 + (random() * ceiling) / 2;
}

export interface RetryHooks {
  signal?: AbortSignal;
  /** Called before each wait; `err` is the failure being retried. */
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
  /** Decides retryability (default: isRetryable). */
  shouldRetry?: (err: unknown) => boolean;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** Runs `fn` until it succeeds, fails for good, or the policy's retries are spent. */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, policy: RetryPolicy, hooks: RetryHooks = {}): Promise<T> {
  const shouldRetry = hooks.shouldRetry ?? isRetryable;
  const sleep = hooks.sleep ?? abortableSleep;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (attempt >= policy.maxRetries || hooks.signal?.aborted || !shouldRetry(err)) throw err;
      const hint = err instanceof HttpError ? err.info.retryAfterMs : undefined;
      if (hint !== undefined && hint > policy.maxHintMs) throw err;
      const delay = retryDelayMs(attempt, err, policy);
      hooks.onRetry?.(err, attempt, delay);
      await sleep(delay, hooks.signal);
    }
  }
}

/** setTimeout as a promise that rejects when `signal` aborts. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * For a request that may create a paid task: retry only when the server answered with a
 * retryable error status (408, 429, 5xx: by the providers' contract nothing was created), or
 * the request never reached it. A request that was sent and got no answer, or a 2xx answer we
 * could not read, may have created a paid task, so it is not blindly repeated.
 */
export function isSafeToResubmit(err: unknown): boolean {
  if (!isRetryable(err) || !(err instanceof HttpError)) return false;
  if (!err.info.mayHaveReachedServer) return true;
  return err.info.status !== undefined && RETRYABLE_STATUS.has(err.info.status);
}

/**
 * A submit that surely created nothing: an HTTP answer outside 2xx (the provider said no), a
 * request that never reached the server, or one that was never sent. Only then may its
 * journalled intent be dropped; every other failure (no answer, an unreadable answer, a local
 * error after sending) may have left a paid task behind.
 */
export function isProvenRefusal(err: unknown): boolean {
  if (err instanceof NotSentError) return true;
  if (!(err instanceof HttpError)) return false;
  if (!err.info.mayHaveReachedServer) return true;
  const s = err.info.status;
  return s !== undefined && (s < 200 || s >= 300);
}

/** A submit that may have created a paid task we never saw. */
export function isUnknownOutcome(err: unknown): boolean {
  return !isProvenRefusal(err);
}

/** A submit that was sent and got no answer at all (reset, timeout): sending it again is the only way to learn. */
export function isNoAnswer(err: unknown): boolean {
  return err instanceof HttpError && err.info.status === undefined && err.info.mayHaveReachedServer && !err.info.aborted;
}
