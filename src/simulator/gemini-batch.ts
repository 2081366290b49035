import { randomBytes } from "node:crypto";
import type { SimContext, SimRoute } from "./context.js";
import { injectedFault } from "./faults.js";
import { answerBody, decideAnswer, GEMINI_MODELS, validateGemini, type DecidedAnswer, type GoogleErrorObject } from "./gemini-answer.js";
import { simFiles } from "./gemini-files.js";
import { parseGeminiRequest, type ParsedGeminiRequest, field } from "./gemini-request.js";
import { googleError, rejectKey } from "./gemini.js";
import { readJson, sendJson } from "./http-util.js";
import type { SimState } from "./state.js";

/** The Batch API bills half the standard price. */
export const BATCH_PRICE_FACTOR = 0.5;

type State =
  | "BATCH_STATE_PENDING"
  | "BATCH_STATE_RUNNING"
  | "BATCH_STATE_SUCCEEDED"
  | "BATCH_STATE_FAILED"
  | "BATCH_STATE_CANCELLED"
  | "BATCH_STATE_EXPIRED";

interface Item {
  key?: string;
  parsed?: ParsedGeminiRequest;
  /** A request the model cannot serve: its line is an error, never charged. */
  invalid?: string;
}

interface Outcome {
  key?: string;
  answer?: DecidedAnswer;
  error?: GoogleErrorObject;
}

/** One batch job. Its clock is compressed: it runs for the simulator's `batchLatencyMs`. */
interface SimBatch {
  id: string;
  displayName: string;
  modelId: string;
  inline: boolean;
  items: Item[];
  createdAt: number;
  runsAt: number;
  endsAt: number;
  state: State;
  endedAt?: number;
  /** What the create's fault made of the job: it ends FAILED or EXPIRED instead. */
  fate?: "fail" | "expired";
  outcomes?: Outcome[];
  resultsFile?: string;
  timer?: NodeJS.Timeout;
}

const registry = new WeakMap<SimState, Map<string, SimBatch>>();

function batches(state: SimState): Map<string, SimBatch> {
  let m = registry.get(state);
  if (!m) {
    const made = new Map<string, SimBatch>();
    registry.set(state, made);
    state.resetHooks.push(() => {
      for (const b of made.values()) clearTimeout(b.timer);
      made.clear();
    });
    m = made;
  }
  return m;
}

const CREATE = /^\/(v1beta|v1)\/models\/([^/:]+):batchGenerateContent$/;
const JOB = /^\/(v1beta|v1)\/batches(?:\/([^/:]+)(:cancel)?)?$/;

/**
 * Gemini Batch API: `POST /v1beta/models/{model}:batchGenerateContent` (inline requests or a
 * JSONL file from the Files API), `GET /v1beta/batches/{id}`, `GET /v1beta/batches` (pages),
 * `POST /v1beta/batches/{id}:cancel`, `DELETE /v1beta/batches/{id}`. Create is not idempotent.
 * A job charges the ledger at half price for every request it answered (blocks included),
 * when it finishes; FAILED and EXPIRED jobs charge nothing; a cancelled one what it had done.
 */
export const geminiBatchRoute: SimRoute = async (ctx, req, res, url) => {
  const create = CREATE.exec(url.pathname);
  const job = create ? undefined : JOB.exec(url.pathname);
  if (!create && !job) return false;
  const jobs = batches(ctx.state);
  if (create) {
    ctx.state.count("gemini.batch.create");
    if (rejectKey(req, res, url)) return true;
    if (req.method !== "POST") return (googleError(res, 405, "METHOD_NOT_ALLOWED", `Method ${req.method} is not allowed.`), true);
    return (await createJob(ctx, decodeURIComponent(create[2]), await readJson(req), res), true);
  }
  const [, , id, cancel] = job!;
  const route = !id
    ? "gemini.batch.list"
    : cancel
      ? "gemini.batch.cancel"
      : req.method === "DELETE"
        ? "gemini.batch.delete"
        : "gemini.batch.get";
  ctx.state.count(route);
  if (rejectKey(req, res, url)) return true;
  if (!id) return (sendJson(res, 200, await listJobs(ctx, jobs, url)), true);
  const b = jobs.get(id);
  if (!b) return (googleError(res, 404, "NOT_FOUND", `Batch batches/${id} not found.`), true);
  advance(ctx, b);
  if (cancel) {
    if (!isDone(b.state)) finish(ctx, b, "BATCH_STATE_CANCELLED");
    return (sendJson(res, 200, {}), true);
  }
  if (req.method === "DELETE") {
    clearTimeout(b.timer);
    jobs.delete(id);
    return (sendJson(res, 200, {}), true);
  }
  sendJson(res, 200, await operation(ctx, b, true));
  return true;
};

async function createJob(ctx: SimContext, modelId: string, body: unknown, res: Parameters<SimRoute>[2]): Promise<void> {
  const model = GEMINI_MODELS[modelId.replace(/^models\//, "")];
  if (!model)
    return googleError(
      res,
      404,
      "NOT_FOUND",
      `models/${modelId} is not found for API version v1beta, or is not supported for batchGenerateContent.`,
    );
  const batch = field(body, "batch");
  const input = field(batch, "inputConfig");
  if (!batch || !input)
    return googleError(res, 400, "INVALID_ARGUMENT", "* BatchGenerateContentRequest.batch.input_config: input_config is required");
  const fileName = field(input, "fileName");
  let raw: { key?: string; request: unknown }[];
  if (typeof fileName === "string") {
    const f = simFiles(ctx.state).files.get(fileName.replace(/^files\//, ""));
    if (!f?.data) return googleError(res, 400, "INVALID_ARGUMENT", `File ${fileName} not found or not accessible.`);
    raw = [];
    for (const line of f.data.toString("utf8").split("\n")) {
      if (!line.trim()) continue;
      try {
        const o = JSON.parse(line);
        raw.push({ key: field(o, "key") as string | undefined, request: field(o, "request") });
      } catch {
        return googleError(res, 400, "INVALID_ARGUMENT", `The input file has a line that is not JSON: ${line.slice(0, 80)}`);
      }
    }
  } else {
    const reqs = field(field(input, "requests"), "requests");
    if (!Array.isArray(reqs))
      return googleError(res, 400, "INVALID_ARGUMENT", "* input_config: requests.requests or file_name is required");
    raw = reqs.map((r) => ({ key: field(field(r, "metadata"), "key") as string | undefined, request: field(r, "request") }));
  }
  if (raw.length === 0) return googleError(res, 400, "INVALID_ARGUMENT", "A batch needs at least one request.");
  const items: Item[] = raw.map(({ key, request }) => {
    const parsed = parseGeminiRequest(request);
    if ("error" in parsed) return { key, invalid: parsed.error };
    const invalid = validateGemini(parsed, model);
    return invalid ? { key, invalid } : { key, parsed };
  });
  const now = ctx.now();
  const latency = ctx.options.batchLatencyMs;
  const fault = injectedFault();
  const b: SimBatch = {
    id: randomBytes(8).toString("hex"),
    displayName: String(field(batch, "displayName") ?? ""),
    modelId: modelId.replace(/^models\//, ""),
    inline: typeof fileName !== "string",
    items,
    createdAt: now,
    runsAt: now + Math.floor(latency / 5),
    endsAt: now + latency,
    state: "BATCH_STATE_PENDING",
    fate: fault === "fail" || fault === "expired" ? fault : undefined,
  };
  batches(ctx.state).set(b.id, b);
  // The job finishes (and charges) on time even if nobody asks.
  b.timer = setTimeout(() => advance(ctx, b), latency + 1);
  b.timer.unref();
  sendJson(res, 200, await operation(ctx, b, false));
}

function isDone(s: State): boolean {
  return s !== "BATCH_STATE_PENDING" && s !== "BATCH_STATE_RUNNING";
}

/** Moves the job along its compressed clock. */
function advance(ctx: SimContext, b: SimBatch): void {
  if (isDone(b.state)) return;
  const now = ctx.now();
  if (now >= b.endsAt)
    finish(ctx, b, b.fate === "fail" ? "BATCH_STATE_FAILED" : b.fate === "expired" ? "BATCH_STATE_EXPIRED" : "BATCH_STATE_SUCCEEDED");
  else if (now >= b.runsAt) b.state = "BATCH_STATE_RUNNING";
}

/** Ends the job: answers (and charges) the requests it got to; a cancelled job got to some. */
function finish(ctx: SimContext, b: SimBatch, state: State): void {
  clearTimeout(b.timer);
  b.state = state;
  b.endedAt = ctx.now();
  if (state === "BATCH_STATE_FAILED" || state === "BATCH_STATE_EXPIRED") return;
  const done =
    state === "BATCH_STATE_CANCELLED"
      ? Math.floor((b.items.length * Math.max(0, b.endedAt - b.runsAt)) / Math.max(1, b.endsAt - b.runsAt))
      : b.items.length;
  b.outcomes = b.items.slice(0, Math.min(done, b.items.length)).map((it) => {
    if (!it.parsed) return { key: it.key, error: { code: 400, status: "INVALID_ARGUMENT", message: it.invalid ?? "invalid request" } };
    const answer = decideAnswer(ctx, b.modelId, GEMINI_MODELS[b.modelId], it.parsed, BATCH_PRICE_FACTOR);
    if (answer.error) return { key: it.key, error: answer.error };
    ctx.state.charge(answer.task);
    return { key: it.key, answer };
  });
  if (!b.inline) {
    const outcomes = b.outcomes;
    const f = simFiles(ctx.state).add(
      {
        displayName: `${b.displayName || b.id} results`,
        mimeType: "application/jsonl",
        lineCount: outcomes.length,
        lines: async function* () {
          for (const o of outcomes) yield JSON.stringify(await resultLine(ctx, o, true));
        },
      },
      ctx.now(),
    );
    b.resultsFile = `files/${f.id}`;
  }
}

async function resultLine(ctx: SimContext, o: Outcome, fileLine: boolean): Promise<Record<string, unknown>> {
  const payload = o.error ? { error: o.error } : { response: await answerBody(ctx, o.answer!, { thoughtImage: false }) };
  return fileLine ? { key: o.key, ...payload } : { ...payload, metadata: { key: o.key } };
}

/** The job as a long-running Operation, the way Google answers get, list and create. */
async function operation(ctx: SimContext, b: SimBatch, withResults: boolean): Promise<Record<string, unknown>> {
  const answered = b.outcomes ?? [];
  const failed = answered.filter((o) => o.error).length;
  const done = isDone(b.state);
  let output: Record<string, unknown> | undefined;
  if (done && b.resultsFile) output = { responsesFile: b.resultsFile };
  else if (done && b.outcomes && withResults)
    output = { inlinedResponses: { inlinedResponses: await Promise.all(b.outcomes.map((o) => resultLine(ctx, o, false))) } };
  const metadata = {
    "@type": "type.googleapis.com/google.ai.generativelanguage.v1main.GenerateContentBatch",
    model: `models/${b.modelId}`,
    displayName: b.displayName,
    name: `batches/${b.id}`,
    createTime: new Date(b.createdAt).toISOString(),
    updateTime: new Date(b.endedAt ?? b.createdAt).toISOString(),
    ...(b.endedAt ? { endTime: new Date(b.endedAt).toISOString() } : {}),
    // int64 fields travel as strings in Google's JSON.
    batchStats: {
      requestCount: String(b.items.length),
      ...(done ? { successfulRequestCount: String(answered.length - failed), failedRequestCount: String(failed) } : {}),
      pendingRequestCount: String(done ? 0 : b.items.length),
    },
    state: b.state,
    ...(output ? { output } : {}),
  };
  const error =
    b.state === "BATCH_STATE_FAILED"
      ? { code: 13, message: "The batch job failed: an internal error occurred (simulated)." }
      : b.state === "BATCH_STATE_EXPIRED"
        ? { code: 4, message: "The batch job expired: it did not finish within 48 hours (simulated)." }
        : undefined;
  return {
    name: `batches/${b.id}`,
    metadata,
    done,
    ...(done && output
      ? { response: { "@type": "type.googleapis.com/google.ai.generativelanguage.v1main.GenerateContentBatchOutput", ...output } }
      : {}),
    ...(error ? { error } : {}),
  };
}

/** `GET /v1beta/batches?pageSize=&pageToken=`: newest first. */
async function listJobs(ctx: SimContext, jobs: Map<string, SimBatch>, url: URL): Promise<Record<string, unknown>> {
  const size = Math.min(1000, Math.max(1, Number(url.searchParams.get("pageSize")) || 50));
  const from = Number(url.searchParams.get("pageToken") ?? 0) || 0;
  const all = [...jobs.values()].reverse();
  const page = all.slice(from, from + size);
  for (const b of page) advance(ctx, b);
  const operations = await Promise.all(page.map((b) => operation(ctx, b, false)));
  return { operations, ...(from + size < all.length ? { nextPageToken: String(from + size) } : {}) };
}
