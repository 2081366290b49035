import { round } from "../../../core/catalog/prices.js";
import type { ErrorDetails } from "../../transport/client.js";
import { unreadableAnswer } from "../../transport/errors.js";
import { envelopeCode } from "../../transport/body-status.js";
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
  resumable: true,
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

  async submit(req: ImageRequest, { signal, idempotencyKey, idempotent, onRetry }: CallOptions = {}): Promise<Submission> {
    const url = `${this.base}/api/generate/submit`;
    const res = await this.opts.http.json<Envelope>(
      {
        method: "POST",
        url,
        headers: this.headers,
        body: { model: req.modelId, input: toApidotInput(req) },
        signal,
        describeError,
        bodyStatus: envelopeCode,
        createsTask: true,
        idempotencyKey,
        idempotent,
      },
      { onRetry },
    );
    const taskId = dataOf(res.body, "POST", url).task_id;
    if (typeof taskId !== "string" || !taskId) throw unreadableAnswer("POST", url, res.body, "APIDot answered without a task_id");
    return { taskId };
  }

  async status(task: TaskHandle, _req: ImageRequest, { signal, onRetry }: CallOptions = {}): Promise<TaskStatus> {
    const url = `${this.base}/api/generate/status/${encodeURIComponent(task.taskId)}`;
    const res = await this.opts.http.json<Envelope>(
      { method: "GET", url, headers: this.headers, signal, describeError, bodyStatus: envelopeCode },
      { onRetry },
    );
    const data = dataOf(res.body, "GET", url);
    const status = toTaskStatus(data);
    if (status.state === "succeeded") status.cost = reportedCost(data);
    return status;
  }
}

/** The credits APIDot says it charged, if it says. */
function reportedCost(data: Record<string, unknown>): Cost | undefined {
  const credits = Number(data.credits_amount);
  return Number.isFinite(credits) && credits > 0 ? { usd: round(credits * CREDIT_USD), credits, source: "provider" } : undefined;
}

/** The `data` of a 2xx answer (a body `code` outside 2xx already failed in the transport, via bodyStatus). */
function dataOf(body: Envelope, method: string, url: string): Record<string, unknown> {
  if (!body?.data || typeof body.data !== "object") throw unreadableAnswer(method, url, body, "APIDot answered without data");
  return body.data;
}

function describeError(_status: number, body: unknown): ErrorDetails {
  const b = (body ?? {}) as Envelope;
  if (typeof b.error === "object" && b.error) return { code: b.error.code ?? b.error.type, message: b.error.message };
  return { code: typeof b.error === "string" ? b.error : undefined, message: b.message ?? b.msg };
}
