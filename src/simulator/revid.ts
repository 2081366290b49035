import { COMMON_RATIOS, type AspectRatio, type ImageFormat, type ModelFamily, type Resolution } from "../core/catalog/models.js";
import { listedPrice } from "../core/catalog/prices.js";
import { pixelSize } from "../core/catalog/pixel-sizes.js";
import { sha256 } from "../core/hash.js";
import type { SimContext, SimRoute } from "./context.js";
import { referenceBytes } from "./fetch-references.js";
import { readJson, sendJson } from "./http-util.js";
import type { SimTask } from "./state.js";
import { failureFor, keyProblem, promptTrigger } from "./triggers.js";

type Res = Parameters<SimRoute>[2];

/** Revid's models: the edit model needs `image_urls`; pro takes `image_input` and `resolution`. */
const MODELS: Record<string, { family: ModelFamily; edit: boolean; resolutions?: Resolution[] }> = {
  "google/nano-banana": { family: "nano-banana", edit: false },
  "google/nano-banana-edit": { family: "nano-banana", edit: true },
  "nano-banana-pro": { family: "nano-banana-pro", edit: false, resolutions: ["1K", "2K", "4K"] },
};
const RATIOS = ["auto", ...COMMON_RATIOS];

/** Revid's envelope: HTTP status and body `code` agree; `data` is null on errors. */
function fail(res: Res, code: number, msg: string): void {
  sendJson(res, code, { code, msg, data: null });
}

/** Revid API: POST /paid/nano/banana/create, POST /paid/get/taskid?taskId=…, `x-api-key` auth. */
export const revidRoute: SimRoute = async (ctx, req, res, url) => {
  const create = url.pathname === "/paid/nano/banana/create";
  const query = url.pathname === "/paid/get/taskid";
  if (!create && !query) return false;
  ctx.state.count(create ? "revid.create" : "revid.query");
  const problem = keyProblem(req.headers["x-api-key"] as string | undefined);
  if (problem) {
    fail(res, 401, problem === "missing" ? "Unauthorized: missing x-api-key header" : "Unauthorized: invalid API key");
    return true;
  }
  if (req.method !== "POST") fail(res, 405, `Method ${req.method} not allowed`);
  else if (create) await handleCreate(ctx, req, res);
  else handleQuery(ctx, res, url.searchParams.get("taskId") ?? "");
  return true;
};

async function handleCreate(ctx: SimContext, req: Parameters<SimRoute>[1], res: Res): Promise<void> {
  const body = (await readJson(req)) as { model?: string; callBackUrl?: string; input?: Record<string, unknown> } | undefined;
  if (!body || typeof body !== "object") return fail(res, 400, "Request body must be JSON");
  const model = MODELS[body.model ?? ""];
  if (!model) return fail(res, 422, `model must be one of ${Object.keys(MODELS).join(", ")}`);
  const input = body.input ?? {};
  const prompt = input.prompt;
  if (typeof prompt !== "string" || !prompt.trim()) return fail(res, 422, "input.prompt is required");
  if (prompt.length > 10_000) return fail(res, 422, "input.prompt must be at most 10000 characters");
  const ratio = String(input.aspect_ratio ?? input.image_size ?? "auto");
  if (!RATIOS.includes(ratio)) return fail(res, 422, `input.aspect_ratio must be one of ${RATIOS.join(", ")}`);
  const fmt = String(input.output_format ?? "png");
  if (fmt !== "png" && fmt !== "jpg" && fmt !== "jpeg") return fail(res, 422, "input.output_format must be png or jpg");
  let resolution: Resolution = "1K";
  if (input.resolution !== undefined) {
    if (!model.resolutions) return fail(res, 422, `input.resolution is not supported by ${body.model}`);
    if (!model.resolutions.includes(input.resolution as Resolution))
      return fail(res, 422, `input.resolution must be one of ${model.resolutions.join(", ")}`);
    resolution = input.resolution as Resolution;
  }
  const refs = input.image_urls ?? input.image_input;
  if (model.edit && (!Array.isArray(refs) || refs.length === 0))
    return fail(res, 422, "input.image_urls is required for google/nano-banana-edit");
  if (Array.isArray(refs) && (refs.length > 8 || refs.some((u) => typeof u !== "string" || !/^https?:\/\//.test(u)))) {
    return fail(res, 422, "reference images: at most 8 http(s) URLs");
  }
  const fetched = Array.isArray(refs) ? await referenceBytes(ctx, refs as string[]) : undefined;
  if (fetched && "error" in fetched) return fail(res, 422, `reference images: ${fetched.error}`);
  const px = pixelSize(model.family, resolution, (ratio === "auto" ? "1:1" : ratio) as AspectRatio) ?? { width: 1024, height: 1024 };
  const price = listedPrice("revid", model.family, resolution);
  const now = ctx.now();
  const task: SimTask & { param?: string } = {
    id: ctx.state.newId("rv"),
    provider: "revid",
    modelId: body.model!,
    prompt,
    ...px,
    format: (fmt === "png" ? "png" : "jpeg") as ImageFormat,
    createdAt: now,
    readyAt: now + ctx.options.latencyMs,
    costUsd: price?.usd ?? 0,
    credits: price?.credits,
    failure: failureFor(promptTrigger(prompt)),
    imageKey: sha256(JSON.stringify(["revid", body.model, prompt, resolution, ratio, fmt, fetched?.keyParts ?? null])),
    title: `${body.model} · ${resolution} · ${ratio} · ${fmt}`,
    param: JSON.stringify(body),
  };
  ctx.state.accept(task);
  sendJson(res, 200, { code: 200, msg: "success", data: { taskId: task.id } });
}

function handleQuery(ctx: SimContext, res: Res, id: string): void {
  const task = ctx.state.tasks.get(id) as (SimTask & { param?: string }) | undefined;
  if (task?.provider !== "revid") return fail(res, 404, `task ${id || "(missing taskId)"} not found`);
  const now = ctx.now();
  const done = now >= task.readyAt;
  const data: Record<string, unknown> = {
    taskId: task.id,
    model: task.modelId,
    state: !done ? "waiting" : task.failure ? "fail" : "success",
    param: task.param ?? "{}",
    resultJson: "",
    failCode: "",
    failMsg: "",
    costTime: done ? task.readyAt - task.createdAt : null,
    completeTime: done ? task.readyAt : null,
    createTime: task.createdAt,
  };
  if (done && task.failure) {
    data.failCode = task.failure.kind === "blocked" ? "400" : "500";
    data.failMsg =
      task.failure.kind === "blocked" ? "Your prompt was flagged as sensitive by the content safety system." : task.failure.message;
  } else if (done) {
    // A JSON string, not an object.
    data.resultJson = JSON.stringify({ resultUrls: [ctx.fileUrl(task)] });
  }
  sendJson(res, 200, { code: 200, msg: "success", data });
}
