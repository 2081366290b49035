/**
 * Error answers in each provider's own shape, with its own way of saying "wait": APIDot,
 * fal and Revid send a `Retry-After` header; Gemini sends NO header, only a RetryInfo detail
 * (`retryDelay: "26s"`) and "Please retry in 26s." in the message. Protocols and the fault
 * injector both answer through here, keyed by the route's provider prefix.
 */
export interface ErrorAnswer {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

const GOOGLE_STATUS: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  408: "DEADLINE_EXCEEDED",
  429: "RESOURCE_EXHAUSTED",
  500: "INTERNAL",
  502: "UNAVAILABLE",
  503: "UNAVAILABLE",
  504: "DEADLINE_EXCEEDED",
};

const REASON: Record<number, string> = {
  429: "Too many requests.",
  500: "Internal server error.",
  502: "Bad gateway.",
  503: "The service is overloaded; try again later.",
  504: "Gateway timeout.",
};

/** Seconds as Google writes them: "26s", "1.5s". */
export function googleDelay(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))}s`;
}

/** Integer seconds for Retry-After (never 0, so a client does wait). */
function retryAfter(ms: number): Record<string, string> {
  return { "retry-after": String(Math.max(1, Math.ceil(ms / 1000))) };
}

/** Which quota a 429 is about (Gemini names it in a QuotaFailure detail). */
export interface QuotaHit {
  period: "minute" | "day";
  limit: number;
  /** The model id the quota is counted for. */
  model?: string;
}

/** Gemini's QuotaFailure and Help details, as a real 429 carries them before its RetryInfo. */
function googleQuotaDetails(q: QuotaHit): unknown[] {
  const per = q.period === "day" ? "PerDay" : "PerMinute";
  return [
    {
      "@type": "type.googleapis.com/google.rpc.QuotaFailure",
      violations: [
        {
          quotaMetric: "generativelanguage.googleapis.com/generate_content_paid_tier_requests",
          quotaId: `GenerateRequests${per}PerProjectPerModel`,
          quotaDimensions: { location: "global", ...(q.model ? { model: q.model } : {}) },
          quotaValue: String(q.limit),
        },
      ],
    },
    {
      "@type": "type.googleapis.com/google.rpc.Help",
      links: [{ description: "Learn more about Gemini API quotas", url: "https://ai.google.dev/gemini-api/docs/rate-limits" }],
    },
  ];
}

/** A provider's error answer; `waitMs` becomes its wait hint, `quota` names the quota a 429 hit. */
export function errorAnswer(
  provider: string | undefined,
  status: number,
  message = REASON[status] ?? `HTTP ${status}`,
  waitMs?: number,
  quota?: QuotaHit,
): ErrorAnswer {
  const hint = waitMs !== undefined ? retryAfter(waitMs) : {};
  switch (provider) {
    case "gemini": {
      const details = [
        ...(status === 429 && quota ? googleQuotaDetails(quota) : []),
        ...(waitMs !== undefined ? [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: googleDelay(waitMs) }] : []),
      ];
      const text = waitMs !== undefined ? `${message} Please retry in ${googleDelay(waitMs)}.` : message;
      return { status, headers: {}, body: { error: { code: status, message: text, status: GOOGLE_STATUS[status] ?? "UNKNOWN", details } } };
    }
    case "apidot": {
      const code = status === 429 ? "rate_limited" : status >= 500 ? "server_error" : "invalid_request";
      return { status, headers: hint, body: { code: status, message, error: { code, message } } };
    }
    case "fal":
      return { status, headers: hint, body: { detail: message } };
    case "revid":
      return { status, headers: hint, body: { code: status, msg: message } };
    default:
      return { status, headers: hint, body: { error: message } };
  }
}
