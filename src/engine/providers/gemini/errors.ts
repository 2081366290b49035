import type { ErrorDetails } from "../../transport/client.js";
import { googleRetryDelayMs } from "../../transport/wait-hints.js";

interface GoogleErrorBody {
  error?: { code?: number; message?: string; status?: string; details?: { "@type"?: string; reason?: string; retryDelay?: string }[] };
}

/**
 * Google's error body: `{error: {code, message, status, details}}`. The wait of a 429 is in a
 * RetryInfo detail (`"retryDelay": "26s"`), never in a header; a bad key is an ErrorInfo
 * with reason API_KEY_INVALID.
 */
export function describeGeminiError(_status: number, body: unknown): ErrorDetails {
  const e = (body as GoogleErrorBody | undefined)?.error;
  if (!e || typeof e !== "object") return {};
  const details = Array.isArray(e.details) ? e.details : [];
  const info = details.find((d) => d?.["@type"]?.endsWith("google.rpc.ErrorInfo"));
  const retryAfterMs = googleRetryDelayMs(body);
  const code = info?.reason ?? e.status;
  let message = e.message;
  if (info?.reason === "API_KEY_INVALID") message = "the API key was rejected (API_KEY_INVALID); check the key in your environment";
  return { code, message, retryAfterMs };
}
