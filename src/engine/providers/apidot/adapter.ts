import { listedPrice, round } from "../../../core/catalog/prices.js";
import type { ErrorDetails } from "../../transport/client.js";
import { HttpError } from "../../transport/errors.js";
import { envelopeCode } from "../../transport/body-status.js";
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
import { APIDOT_PROFILE } from "../../../core/catalog/providers/apidot.js";
import { toApidotInput, toTaskStatus } from "./translate.js";

const CREDIT_USD = 0.005;

/** APIDot: async submit, status polling; Bearer auth; a body `code` other than 200 is a failure. */
export const apidot: ProviderDefinition = {
  ...APIDOT_PROFILE,
  create: (opts) => new ApidotProvider(opts),
};

interface Envelope {
  code?: number;
  message?: string;
  msg?: string;
  error?: { code?: string; message?: string; type?: string } | string;
  data?: Record<string, unknown>;
}

class ApidotProvider implements ImageProvider {
  readonly name = "apidot" as const;
  private readonly base: string;
  private readonly headers: Record<string, string>;

  constructor(private readonly opts: ProviderOptions) {
    this.base = opts.baseUrl.replace(/\/+$/, "");
    this.headers = { authorization: `Bearer ${opts.apiKey}` };
  }

  async submit(req: ImageRequest, { signal, idempotencyKey, onRetry }: CallOptions = {}): Promise<Submission> {
    const headers = idempotencyKey ? { ...this.headers, "idempotency-key": idempotencyKey } : this.headers;
    const res = await this.opts.http.json<Envelope>(
      {
        method: "POST",
        url: `${this.base}/api/generate/submit`,
        headers,
        body: { model: req.modelId, input: toApidotInput(req) },
        signal,
        describeError,
        bodyStatus: envelopeCode,
      },
      { shouldRetry: isSafeToResubmit, onRetry },
    );
    const data = unwrap(res.body, `${this.base}/api/generate/submit`);
    const taskId = data.task_id;
    if (typeof taskId !== "string" || !taskId) throw new Error("APIDot accepted the task but sent no task_id");
    return { taskId };
  }

  async status(task: TaskHandle, req: ImageRequest, { signal, onRetry }: CallOptions = {}): Promise<TaskStatus> {
    const url = `${this.base}/api/generate/status/${encodeURIComponent(task.taskId)}`;
    const res = await this.opts.http.json<Envelope>(
      { method: "GET", url, headers: this.headers, signal, describeError, bodyStatus: envelopeCode },
      { onRetry },
    );
    const data = unwrap(res.body, url);
    const status = toTaskStatus(data);
    if (status.state === "succeeded") status.cost = this.cost(req, data);
    return status;
  }

  private cost(req: ImageRequest, data: Record<string, unknown>): Cost | undefined {
    const credits = Number(data.credits_amount);
    if (Number.isFinite(credits) && credits > 0) return { usd: round(credits * CREDIT_USD), credits, source: "provider" };
    const listed = listedPrice("apidot", req.model, req.resolution, this.opts.prices);
    return listed && { usd: listed.usd, credits: listed.credits, source: listed.source };
  }
}

/** A 200 answer whose body `code` is not 200 is still a failure. */
function unwrap(body: Envelope, url: string): Record<string, unknown> {
  if (body && typeof body === "object" && body.code !== undefined && body.code !== 200) {
    const d = describeError(body.code, body);
    throw new HttpError(`APIDot answered code ${body.code}${d.code ? ` ${d.code}` : ""}: ${d.message ?? "request failed"}`, {
      url,
      method: "POST",
      status: body.code,
      code: d.code,
      retryable: body.code === 429 || body.code >= 500,
      mayHaveReachedServer: true,
    });
  }
  if (!body?.data || typeof body.data !== "object") throw new Error(`APIDot answer without data from ${url}`);
  return body.data;
}

/** APIDot's body `code`: a 200 answer saying 429 or 500 is retried like the HTTP status. */

function describeError(_status: number, body: unknown): ErrorDetails {
  const b = (body ?? {}) as Envelope;
  if (typeof b.error === "object" && b.error) return { code: b.error.code ?? b.error.type, message: b.error.message };
  return { code: typeof b.error === "string" ? b.error : undefined, message: b.message ?? b.msg };
}
