import { unreadableAnswer } from "../../transport/errors.js";
import { envelopeCode } from "../../transport/body-status.js";
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
  resumable: true,
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
        createsTask: true,
      },
      { onRetry },
    );
    const taskId = dataOf(res.body, url, "POST").taskId;
    if (typeof taskId !== "string" || !taskId) throw unreadableAnswer("POST", url, res.body, "Revid answered without a taskId");
    return { taskId };
  }

  async status(task: TaskHandle, _req: ImageRequest, { signal, onRetry }: CallOptions = {}): Promise<TaskStatus> {
    // A query, though sent as POST: safe to repeat.
    const url = `${this.base}/paid/get/taskid?taskId=${encodeURIComponent(task.taskId)}`;
    const res = await this.opts.http.json<Envelope<RevidTask>>(
      { method: "POST", url, headers: this.headers, signal, describeError: describeRevidError, bodyStatus: envelopeCode },
      { onRetry },
    );
    return fromRevidTask(dataOf(res.body, url, "POST"));
  }
}

/** The `data` of a 2xx answer (a body `code` outside 2xx already failed in the transport, via bodyStatus). */
function dataOf<T>(body: Envelope<T>, url: string, method: string): T {
  if (!body?.data || typeof body.data !== "object") throw unreadableAnswer(method, url, body, "Revid answered without data");
  return body.data;
}
