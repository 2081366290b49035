import { HttpError, unreadableAnswer } from "../../transport/errors.js";
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
import { FAL_PROFILE } from "../../../core/catalog/providers/fal.js";
import { describeFalError, falAppId, fromFalResult, fromFalStatus, isContentPolicy, toFalInput, type FalStatus } from "./translate.js";

/** fal.ai's queue: submit, poll the status, GET the result; `Authorization: Key …`. */
export const fal: ProviderDefinition = {
  ...FAL_PROFILE,
  resumable: true,
  create: (opts) => new FalProvider(opts),
};

class FalProvider implements ImageProvider {
  readonly name = "fal" as const;
  private readonly base: string;
  private readonly headers: Record<string, string>;

  constructor(private readonly opts: ProviderOptions) {
    this.base = opts.baseUrl.replace(/\/+$/, "");
    this.headers = { authorization: `Key ${opts.apiKey}` };
  }

  /**
   * The handle is the app id (`fal-ai/nano-banana-pro`) that status and result live under.
   * The answer's `status_url`/`response_url` are not followed: the key goes only to the
   * configured base URL.
   */
  async submit(req: ImageRequest, { signal, onRetry }: CallOptions = {}): Promise<Submission> {
    const url = `${this.base}/${req.modelId}`;
    const res = await this.opts.http.json<{ request_id?: string }>(
      { method: "POST", url, headers: this.headers, body: toFalInput(req), signal, describeError: describeFalError, createsTask: true },
      { onRetry },
    );
    const id = res.body?.request_id;
    if (typeof id !== "string" || !id) throw unreadableAnswer("POST", url, res.body, "fal answered without a request_id");
    return { taskId: id, handle: falAppId(req.modelId) };
  }

  async status(task: TaskHandle, req: ImageRequest, { signal, onRetry }: CallOptions = {}): Promise<TaskStatus> {
    const app = task.handle ?? falAppId(req.modelId);
    const requestUrl = `${this.base}/${app}/requests/${encodeURIComponent(task.taskId)}`;
    const s = await this.opts.http.json<FalStatus>(
      { method: "GET", url: `${requestUrl}/status`, headers: this.headers, signal, describeError: describeFalError },
      { onRetry },
    );
    const early = fromFalStatus(s.body);
    if (early) {
      if (early.state === "failed" && isContentPolicy(early.code, early.message))
        return { state: "blocked", reason: "content_policy_violation", message: early.message };
      return early;
    }
    let result: TaskStatus;
    try {
      const r = await this.opts.http.json<{ images?: { url?: string }[]; description?: string }>(
        { method: "GET", url: requestUrl, headers: this.headers, signal, describeError: describeFalError },
        { onRetry },
      );
      result = fromFalResult(r.body);
    } catch (err) {
      // A completed request whose result GET answers 4xx failed for good (422: the checker refused it).
      if (!(err instanceof HttpError) || err.retryable || err.status === undefined || err.status === 401 || err.status === 403) throw err;
      const { code } = err.info;
      if (isContentPolicy(code, err.message)) return { state: "blocked", reason: "content_policy_violation", message: err.message };
      return { state: "failed", message: err.message, code };
    }
    return result;
  }
}
