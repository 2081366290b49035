/**
 * Google's wait hint: a 429 carries no Retry-After header; the body has a RetryInfo detail
 * (`"retryDelay": "26s"`, possibly fractional) and the message often ends "Please retry in
 * 43.7s.". Returns the wait in ms, or undefined. A provider's describeError passes it on as
 * `retryAfterMs`, which the one retry policy honours.
 */
export function googleRetryDelayMs(body: unknown): number | undefined {
  const err = (body as { error?: { message?: unknown; details?: unknown } } | undefined)?.error;
  if (!err || typeof err !== "object") return undefined;
  if (Array.isArray(err.details)) {
    for (const d of err.details as Array<Record<string, unknown>>) {
      if (typeof d?.["@type"] === "string" && d["@type"].endsWith("google.rpc.RetryInfo")) {
        const ms = durationMs(d.retryDelay);
        if (ms !== undefined) return ms;
      }
    }
  }
  const m = typeof err.message === "string" ? /retry in ([\d.]+)\s*(ms|s)\b/i.exec(err.message) : null;
  return m ? Number(m[1]) * (m[2].toLowerCase() === "ms" ? 1 : 1000) : undefined;
}

/** A protobuf Duration as JSON ("26s", "45.837906927s") or {seconds, nanos}, in ms. */
function durationMs(v: unknown): number | undefined {
  if (typeof v === "string") {
    const m = /^([\d.]+)s$/.exec(v.trim());
    return m ? Math.round(Number(m[1]) * 1000) : undefined;
  }
  if (v && typeof v === "object") {
    const { seconds, nanos } = v as { seconds?: number | string; nanos?: number };
    const ms = Number(seconds ?? 0) * 1000 + Number(nanos ?? 0) / 1e6;
    return Number.isFinite(ms) ? Math.round(ms) : undefined;
  }
  return undefined;
}
