import { describe, expect, it } from "vitest";
import { HttpError } from "../../../src/engine/transport/errors.js";
import {
  DEFAULT_RETRY,
  isRetryable,
  isSafeToResubmit,
  isUnknownOutcome,
  retryDelayMs,
  withRetry,
} from "../../../src/engine/transport/retry.js";
import { RETRYABLE_STATUS } from "../../../src/engine/transport/retry.js";
import { googleRetryDelayMs } from "../../../src/engine/transport/wait-hints.js";

const httpError = (status: number | undefined, extra: Partial<HttpError["info"]> = {}) =>
  new HttpError(`status ${status}`, {
    url: "http://x/",
    method: "POST",
    status,
    retryable: status === undefined || RETRYABLE_STATUS.has(status),
    mayHaveReachedServer: true,
    ...extra,
  });

describe("the retry policy", () => {
  it("retries network errors, timeouts, 408, 429 and 5xx, and never 400/401/402/403/404/422", () => {
    for (const s of [408, 429, 500, 502, 503, 504]) expect(isRetryable(httpError(s))).toBe(true);
    for (const s of [400, 401, 402, 403, 404, 422]) expect(isRetryable(httpError(s))).toBe(false);
    expect(isRetryable(httpError(undefined, { code: "timeout" }))).toBe(true);
    expect(isRetryable(httpError(undefined, { code: "ECONNRESET" }))).toBe(true);
    expect(isRetryable(httpError(undefined, { aborted: true }))).toBe(false);
    expect(isRetryable(new Error("plain"))).toBe(false);
  });

  it("honours the server's wait hint, else backs off exponentially with jitter under a cap", () => {
    expect(retryDelayMs(0, httpError(429, { retryAfterMs: 7000 }), DEFAULT_RETRY, () => 0)).toBe(7000);
    const policy = { ...DEFAULT_RETRY, baseDelayMs: 100, maxDelayMs: 1000 };
    expect(retryDelayMs(0, httpError(503), policy, () => 0)).toBe(50);
    expect(retryDelayMs(0, httpError(503), policy, () => 1)).toBe(100);
    expect(retryDelayMs(3, httpError(503), policy, () => 1)).toBe(800);
    expect(retryDelayMs(10, httpError(503), policy, () => 1)).toBe(1000);
    expect(retryDelayMs(0, httpError(429, { retryAfterMs: 10 ** 9 }), DEFAULT_RETRY, () => 0)).toBe(DEFAULT_RETRY.maxHintMs);
  });

  it("stops after maxRetries, at once for a non-retryable status, and for a hint beyond the cap", async () => {
    const waits: number[] = [];
    const sleep = async (ms: number) => void waits.push(ms);
    let calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          throw httpError(503);
        },
        { ...DEFAULT_RETRY, maxRetries: 3 },
        { sleep },
      ),
    ).rejects.toThrow("503");
    expect(calls).toBe(4);
    expect(waits).toHaveLength(3);
    calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          throw httpError(402);
        },
        DEFAULT_RETRY,
        { sleep },
      ),
    ).rejects.toThrow("402");
    expect(calls).toBe(1);
    calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          throw httpError(429, { retryAfterMs: 3_600_000 });
        },
        DEFAULT_RETRY,
        { sleep },
      ),
    ).rejects.toThrow("429");
    expect(calls).toBe(1);
  });

  it("never retries after an abort, and an abort interrupts the wait", async () => {
    const ctrl = new AbortController();
    let calls = 0;
    const p = withRetry(
      async () => {
        calls++;
        throw httpError(503, { retryAfterMs: 60_000 });
      },
      DEFAULT_RETRY,
      { signal: ctrl.signal },
    );
    setTimeout(() => ctrl.abort(new Error("stop")), 20);
    await expect(p).rejects.toThrow("stop");
    expect(calls).toBe(1);
  });

  it("resubmits a paid call only when nothing can have been created", () => {
    expect(isSafeToResubmit(httpError(429))).toBe(true);
    expect(isSafeToResubmit(httpError(503))).toBe(true);
    expect(isSafeToResubmit(httpError(undefined, { code: "ECONNREFUSED", mayHaveReachedServer: false }))).toBe(true);
    // Sent, no answer; or a 2xx we could not read: the task may exist.
    expect(isSafeToResubmit(httpError(undefined, { code: "ECONNRESET" }))).toBe(false);
    expect(isSafeToResubmit(httpError(undefined, { code: "timeout" }))).toBe(false);
    expect(isSafeToResubmit(httpError(200, { code: "malformed_json", retryable: true }))).toBe(false);
    expect(isUnknownOutcome(httpError(undefined, { code: "timeout" }))).toBe(true);
    expect(isUnknownOutcome(httpError(200, { code: "malformed_json", retryable: true }))).toBe(true);
    expect(isUnknownOutcome(httpError(503))).toBe(false);
    expect(isUnknownOutcome(httpError(400))).toBe(false);
  });

  it("reads Gemini's RetryInfo (no header) from the body", () => {
    const body = (delay: string, message = "Quota exceeded.") => ({
      error: {
        code: 429,
        message,
        status: "RESOURCE_EXHAUSTED",
        details: [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: delay }],
      },
    });
    expect(googleRetryDelayMs(body("26s"))).toBe(26_000);
    expect(googleRetryDelayMs(body("45.837906927s"))).toBe(45_838);
    expect(googleRetryDelayMs({ error: { code: 429, message: "Quota exceeded. Please retry in 43.7s." } })).toBe(43_700);
    expect(googleRetryDelayMs({ error: { code: 500, message: "internal" } })).toBeUndefined();
  });
});
