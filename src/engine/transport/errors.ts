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
