import { listedPrice } from "../../../core/catalog/prices.js";
import { HttpError } from "../../transport/errors.js";
import { envelopeCode } from "../../transport/body-status.js";
import { isSafeToResubmit } from "../../transport/retry.js";
import type {
  CallOptions,
  ImageProvider,
  ImageRequest,
  ProviderDefinition,
  ProviderOptions,
  Submission,
  TaskHandle,
  TaskStatus,
} from "../types.js";
import { REVID_PROFILE } from "../../../core/catalog/providers/revid.js";
import { describeRevidError, fromRevidTask, toRevidInput, type RevidTask } from "./translate.js";

/** Revid API: create, then query by task id; `x-api-key` auth; a body `code` other than 200 is a failure. */
export const revid: ProviderDefinition = {
  ...REVID_PROFILE,
  create: (opts) => new RevidProvider(opts),
};

interface Envelope<T> {
  code?: number | string;
  msg?: string;
  data?: T | null;
}

class RevidProvider implements ImageProvider {
  readonly name = "revid" as const;
  private readonly base: string;
  private readonly headers: Record<string, string>;

  constructor(private readonly opts: ProviderOptions) {
    this.base = opts.baseUrl.replace(/\/+$/, "");
    this.headers = { "x-api-key": opts.apiKey };
  }

  async submit(req: ImageRequest, { signal, onRetry }: CallOptions = {}): Promise<Submission> {
    const url = `${this.base}/paid/nano/banana/create`;
    const res = await this.opts.http.json<Envelope<{ taskId?: string }>>(
      {
        method: "POST",
        url,
        headers: this.headers,
        body: { model: req.modelId, input: toRevidInput(req) },
        signal,
        describeError: describeRevidError,
        bodyStatus: envelopeCode,
      },
      { shouldRetry: isSafeToResubmit, onRetry },
    );
    const taskId = unwrap(res.body, url, "POST").taskId;
    if (typeof taskId !== "string" || !taskId) throw new Error("Revid accepted the task but sent no taskId");
    return { taskId };
  }

  async status(task: TaskHandle, req: ImageRequest, { signal, onRetry }: CallOptions = {}): Promise<TaskStatus> {
    // A query, though sent as POST: safe to repeat.
    const url = `${this.base}/paid/get/taskid?taskId=${encodeURIComponent(task.taskId)}`;
    const res = await this.opts.http.json<Envelope<RevidTask>>(
      { method: "POST", url, headers: this.headers, signal, describeError: describeRevidError, bodyStatus: envelopeCode },
      { onRetry },
    );
    const status = fromRevidTask(unwrap(res.body, url, "POST"));
    if (status.state === "succeeded") {
      const listed = listedPrice("revid", req.model, req.resolution, this.opts.prices);
      if (listed) status.cost = { usd: listed.usd, credits: listed.credits, source: listed.source };
    }
    return status;
  }
}

/** An HTTP 200 whose body `code` is not 200 is still a failure. */
function unwrap<T>(body: Envelope<T>, url: string, method: string): T {
  const code = Number(body?.code ?? 200);
  if (code !== 200) {
    throw new HttpError(`Revid answered code ${code}: ${body?.msg ?? "request failed"}`, {
      url: url.split("?")[0],
      method,
      status: code,
      code: String(code),
      retryable: code === 429 || code >= 500,
      mayHaveReachedServer: true,
    });
  }
  if (!body?.data || typeof body.data !== "object") throw new Error(`Revid answer without data from ${url.split("?")[0]}`);
  return body.data;
}
