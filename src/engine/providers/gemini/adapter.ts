import { geminiUsageCost, type GeminiUsage } from "../../../core/catalog/gemini-tokens.js";
import type { ErrorDetails } from "../../transport/client.js";
import { HttpError, NotSentError } from "../../transport/errors.js";
import { googleRetryDelayMs } from "../../transport/wait-hints.js";
import type {
  CallOptions,
  Cost,
  DescribeRequest,
  Description,
  ImageProvider,
  ImageRequest,
  ProviderDefinition,
  ProviderOptions,
  Submission,
} from "../types.js";
import { GEMINI_PROFILE } from "../../../core/catalog/providers/gemini.js";
import { GeminiBatchApi } from "./batch-api.js";
import { inlineReferences } from "./references.js";
import { geminiQuota, toGeminiBody, toGeminiStatus, type GeminiResponse } from "./translate.js";

/** Google's Gemini API: one synchronous generateContent call per image; `x-goog-api-key` auth. */
export const gemini: ProviderDefinition = {
  ...GEMINI_PROFILE,
  // One synchronous call: Google keeps no task to look up again.
  resumable: false,
  // Inline 4K images in base64 must fit.
  maxJsonBytes: 160 * 2 ** 20,
  create: (opts) => new GeminiProvider(opts),
  createBatch: (opts) => new GeminiBatchApi(opts.baseUrl, opts.apiKey, opts.http, describeGeminiError),
};

let localIds = 0;

class GeminiProvider implements ImageProvider {
  readonly name = "gemini" as const;
  private readonly base: string;
  private readonly headers: Record<string, string>;
  /** Models whose per-day quota ran out in this build, with the message: not asked again. */
  private readonly exhausted = new Map<string, string>();

  constructor(private readonly opts: ProviderOptions) {
    this.base = opts.baseUrl.replace(/\/+$/, "");
    this.headers = { "x-goog-api-key": opts.apiKey };
  }

  /** Synchronous: the answer is the final status. The task id is Google's responseId. */
  async submit(req: ImageRequest, { signal, onRetry, answered }: CallOptions = {}): Promise<Submission> {
    // A reference that cannot be fetched fails before anything is sent: nothing is paid.
    const images = await inlineReferences(req.references, this.opts.http, signal).catch((err: Error) => {
      throw new NotSentError(err.message);
    });
    const spent = this.exhausted.get(req.modelId);
    if (spent) throw new NotSentError(spent);
    const url = `${this.base}/v1beta/models/${encodeURIComponent(req.modelId)}:generateContent`;
    const res = await this.opts.http
      .json<GeminiResponse>(
        {
          method: "POST",
          url,
          headers: this.headers,
          body: toGeminiBody(req, images),
          signal,
          describeError: describeGeminiError,
          createsTask: true,
          // The answer is the result: the place at Google is free once it is in.
          answered,
        },
        { onRetry },
      )
      .catch((err: unknown) => {
        if (err instanceof HttpError && err.info.code === "QUOTA_PER_DAY") this.exhausted.set(req.modelId, err.message);
        throw err;
      });
    const status = toGeminiStatus(res.body);
    if (status.state === "succeeded") status.cost = usageCost(req, res.body.usageMetadata as GeminiUsage | undefined);
    return { taskId: res.body?.responseId || `gemini-local-${Date.now().toString(36)}-${++localIds}`, status };
  }

  /** `alt: auto`: the image inline and the question, to a text model; the answer's text parts (thoughts left out). */
  async describe(req: DescribeRequest, { signal, onRetry }: CallOptions = {}): Promise<Description> {
    const url = `${this.base}/v1beta/models/${encodeURIComponent(req.modelId)}:generateContent`;
    const body = {
      contents: [
        {
          role: "user",
          parts: [
            { text: req.prompt },
            { inlineData: { mimeType: req.image.mimeType, data: Buffer.from(req.image.data).toString("base64") } },
          ],
        },
      ],
      generationConfig: { responseModalities: ["TEXT"] },
    };
    const res = await this.opts.http.json<GeminiResponse>(
      { method: "POST", url, headers: this.headers, body, signal, describeError: describeGeminiError, createsTask: true },
      { onRetry },
    );
    const parts = res.body?.candidates?.[0]?.content?.parts ?? [];
    const text = parts
      .filter((p) => typeof p.text === "string" && !p.thought)
      .map((p) => p.text)
      .join(" ")
      .replace(/\s+/g, " ")
      .trim();
    if (!text) throw new Error(`${req.modelId} answered without text (finishReason ${res.body?.candidates?.[0]?.finishReason ?? "none"})`);
    return { text, taskId: res.body?.responseId || `gemini-local-${Date.now().toString(36)}-${++localIds}` };
  }
}

/** The reported usage × token prices (a config price override still wins: see costOf). */
function usageCost(req: ImageRequest, usage: GeminiUsage | undefined): Cost | undefined {
  if (!usage || (usage.candidatesTokenCount ?? 0) <= 0) return undefined;
  const c = geminiUsageCost(req.model, usage);
  return { usd: c.usd, tokens: c.tokens, source: "usage" };
}

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
  const quota = geminiQuota(body);
  if (quota?.perDay) {
    const model = quota.model ? ` for ${quota.model}` : "";
    return {
      code: "QUOTA_PER_DAY",
      message: `the per-day quota${model} is used up (${quota.quotaId}); it resets when Google's day does, so nothing more is sent to this model in this build`,
      retryable: false,
    };
  }
  return { code, message, retryAfterMs };
}
