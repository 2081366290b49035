import { geminiUsageCost, type GeminiUsage } from "../../../core/catalog/gemini-tokens.js";
import { NotSentError } from "../../transport/errors.js";
import type { CallOptions, Cost, ImageProvider, ImageRequest, ProviderDefinition, ProviderOptions, Submission } from "../types.js";
import { GEMINI_PROFILE } from "../../../core/catalog/providers/gemini.js";
import { GeminiBatchApi } from "./batch-api.js";
import { describeGeminiError } from "./errors.js";
import { inlineReferences } from "./references.js";

export { describeGeminiError };
import { toGeminiBody, toGeminiStatus, type GeminiResponse } from "./translate.js";

/** Google's Gemini API: one synchronous generateContent call per image; `x-goog-api-key` auth. */
export const gemini: ProviderDefinition = {
  ...GEMINI_PROFILE,
  // One synchronous call: Google keeps no task to look up again.
  resumable: false,
  // Inline 4K images in base64 must fit.
  maxJsonBytes: 160 * 2 ** 20,
  create: (opts) => new GeminiProvider(opts),
  createBatch: (opts) => new GeminiBatchApi(opts.baseUrl, opts.apiKey, opts.http),
};

let localIds = 0;

class GeminiProvider implements ImageProvider {
  readonly name = "gemini" as const;
  private readonly base: string;
  private readonly headers: Record<string, string>;

  constructor(private readonly opts: ProviderOptions) {
    this.base = opts.baseUrl.replace(/\/+$/, "");
    this.headers = { "x-goog-api-key": opts.apiKey };
  }

  /** Synchronous: the answer is the final status. The task id is Google's responseId. */
  async submit(req: ImageRequest, { signal, onRetry }: CallOptions = {}): Promise<Submission> {
    // A reference that cannot be fetched fails before anything is sent: nothing is paid.
    const images = await inlineReferences(req.references, this.opts.http, signal).catch((err: Error) => {
      throw new NotSentError(err.message);
    });
    const url = `${this.base}/v1beta/models/${encodeURIComponent(req.modelId)}:generateContent`;
    const res = await this.opts.http.json<GeminiResponse>(
      {
        method: "POST",
        url,
        headers: this.headers,
        body: toGeminiBody(req, images),
        signal,
        describeError: describeGeminiError,
        createsTask: true,
      },
      { onRetry },
    );
    const status = toGeminiStatus(res.body);
    if (status.state === "succeeded") status.cost = usageCost(req, res.body.usageMetadata as GeminiUsage | undefined);
    return { taskId: res.body?.responseId || `gemini-local-${Date.now().toString(36)}-${++localIds}`, status };
  }
}

/** The reported usage × token prices (a config price override still wins: see costOf). */
function usageCost(req: ImageRequest, usage: GeminiUsage | undefined): Cost | undefined {
  if (!usage || (usage.candidatesTokenCount ?? 0) <= 0) return undefined;
  const c = geminiUsageCost(req.model, usage);
  return { usd: c.usd, tokens: c.tokens, source: "usage" };
}
