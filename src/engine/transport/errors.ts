/** Facts about a failed HTTP exchange, safe to print: the URL carries no secrets. */
export class HttpError extends Error {
  override name = "HttpError";
  constructor(
    message: string,
    readonly info: {
      url: string;
      method: string;
      /** HTTP status, or undefined when no response came (network error, timeout). */
      status?: number;
      /** The provider's own error code, e.g. `RESOURCE_EXHAUSTED`, `insufficient_credits`. */
      code?: string;
      retryable: boolean;
      /** The server's wait hint (Retry-After, retry-after-ms, Gemini RetryInfo). */
      retryAfterMs?: number;
      /** False only when the request certainly never reached the server (connection refused). */
      mayHaveReachedServer: boolean;
      aborted?: boolean;
      /** The start of an answer that could not be read (kept with an unknown submit outcome). */
      excerpt?: string;
    },
  ) {
    super(message);
  }
  get status(): number | undefined {
    return this.info.status;
  }
  get retryable(): boolean {
    return this.info.retryable;
  }
}

/** Removes query parameters that could hold secrets (`key`, `token`, `sig`, …) from a URL. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    for (const k of [...u.searchParams.keys()]) {
      if (/key|token|sig|secret|auth|expires/i.test(k)) u.searchParams.set(k, "REDACTED");
    }
    u.username = "";
    u.password = "";
    return u.toString();
  } catch {
    return url.split("?")[0];
  }
}

/** A request that was never sent (its inputs failed first, e.g. a reference fetch): nothing can have been created. */
export class NotSentError extends Error {
  override name = "NotSentError";
}

/**
 * A 2xx answer whose shape the adapter cannot read (`{"ok":true}`, a renamed field). For a
 * submit this is an unknown outcome: a paid task may exist. Carries an excerpt of the answer.
 */
export function unreadableAnswer(method: string, url: string, body: unknown, why: string): HttpError {
  const shown = redactUrl(url);
  const excerpt = excerptOf(body);
  return new HttpError(`${method} ${shown}: ${why} (answer: ${excerpt})`, {
    url: shown,
    method,
    status: 200,
    code: "unreadable_answer",
    retryable: false,
    mayHaveReachedServer: true,
    excerpt,
  });
}

/** The first 200 characters of an answer, as JSON where it is JSON. */
export function excerptOf(body: unknown): string {
  let text: string;
  try {
    text = typeof body === "string" ? body : (JSON.stringify(body) ?? String(body));
  } catch {
    text = String(body);
  }
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
