import { geminiUsageCost, type GeminiUsage } from "../../../core/catalog/gemini-tokens.js";
import { listedPrice } from "../../../core/catalog/prices.js";
import { HttpError } from "../../transport/errors.js";
import { isSafeToResubmit } from "../../transport/retry.js";
import type {
  CallOptions,
  Cost,
  ImageProvider,
  ImageRequest,
  ProviderDefinition,
  ProviderOptions,
  Submission,
  TaskHandle,
  TaskStatus,
} from "../types.js";
import { GEMINI_PROFILE } from "../../../core/catalog/providers/gemini.js";
import { GeminiBatchApi } from "./batch-api.js";
import { describeGeminiError } from "./errors.js";

export { describeGeminiError };
import { inlineReferences } from "./references.js";
import { toGeminiBody, toGeminiStatus, type GeminiResponse } from "./translate.js";

/** Google's Gemini API: one synchronous generateContent call per image; `x-goog-api-key` auth. */
export const gemini: ProviderDefinition = {
  ...GEMINI_PROFILE,
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
    const images = await inlineReferences(req.references, this.opts.http.dispatcher, signal);
    const url = `${this.base}/v1beta/models/${encodeURIComponent(req.modelId)}:generateContent`;
    const res = await this.opts.http.json<GeminiResponse>(
      { method: "POST", url, headers: this.headers, body: toGeminiBody(req, images), signal, describeError: describeGeminiError },
      // A request sent without an answer may have been billed: repeat only what surely failed.
      { shouldRetry: isSafeToResubmit, onRetry },
    );
    const status = toGeminiStatus(res.body);
    if (status.state === "succeeded") status.cost = this.cost(req, res.body.usageMetadata as GeminiUsage | undefined);
    return { taskId: res.body?.responseId || `gemini-local-${Date.now().toString(36)}-${++localIds}`, status };
  }

  /** Gemini keeps no task to look up: a journalled answer cannot be fetched again. */
  async status(task: TaskHandle): Promise<TaskStatus> {
    throw new HttpError(`Gemini answers synchronously; response ${task.taskId} cannot be fetched again`, {
      url: `${this.base}/v1beta`,
      method: "GET",
      status: 404,
      code: "NOT_FOUND",
      retryable: false,
      mayHaveReachedServer: false,
    });
  }

  /** A config price override wins; else the reported usage × token prices; else the catalog. */
  private cost(req: ImageRequest, usage: GeminiUsage | undefined): Cost | undefined {
    const listed = listedPrice("gemini", req.model, req.resolution, this.opts.prices);
    if (listed?.source === "config") return { usd: listed.usd, source: "config" };
    if (usage && (usage.candidatesTokenCount ?? 0) > 0) {
      const c = geminiUsageCost(req.model, usage);
      return { usd: c.usd, tokens: c.tokens, source: "usage" };
    }
    return listed && { usd: listed.usd, tokens: listed.tokens, source: listed.source };
  }
}
