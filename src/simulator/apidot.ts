import {
  ASPECT_RATIOS,
  COMMON_RATIOS,
  type AspectRatio,
  type ImageFormat,
  type ModelFamily,
  type Resolution,
} from "../core/catalog/models.js";
import { listedPrice } from "../core/catalog/prices.js";
import { pixelSize } from "../core/catalog/pixel-sizes.js";
import { sha256 } from "../core/hash.js";
import type { SimContext, SimRoute } from "./context.js";
import { referenceBytes } from "./fetch-references.js";
import { readJson, sendJson } from "./http-util.js";

/** APIDot's models and what each takes (the service's own validation). */
const MODELS: Record<
  string,
  { family: ModelFamily; edit: boolean; resolutions: Resolution[]; formats: string[]; ratios: readonly string[] }
> = {
  "nano-banana-2": {
    family: "nano-banana-2",
    edit: false,
    resolutions: ["0.5K", "1K", "2K", "4K"],
    formats: ["png", "jpeg", "webp"],
    ratios: ["auto", ...ASPECT_RATIOS],
  },
  "nano-banana-2-edit": {
    family: "nano-banana-2",
    edit: true,
    resolutions: ["0.5K", "1K", "2K", "4K"],
    formats: ["png", "jpeg", "webp"],
    ratios: ["auto", ...ASPECT_RATIOS],
  },
  "nano-banana-pro": {
    family: "nano-banana-pro",
    edit: false,
    resolutions: ["1K", "2K", "4K"],
    formats: ["png", "jpg"],
    ratios: ["auto", ...COMMON_RATIOS],
  },
  "nano-banana-pro-edit": {
    family: "nano-banana-pro",
    edit: true,
    resolutions: ["1K", "2K", "4K"],
    formats: ["png", "jpg"],
    ratios: ["auto", ...COMMON_RATIOS],
  },
};

const fail = (_ctx: SimContext, res: Parameters<SimRoute>[2], status: number, code: string, message: string) =>
  sendJson(res, status, { code: status, message, error: { code, message } });

/** APIDot: POST /api/generate/submit, GET /api/generate/status/{task_id}, Bearer auth. */
export const apidotRoute: SimRoute = async (ctx, req, res, url) => {
  const submit = url.pathname === "/api/generate/submit";
  const status = url.pathname.startsWith("/api/generate/status/");
  if (!submit && !status) return false;
  ctx.state.count(submit ? "apidot.submit" : "apidot.status");
  const auth = req.headers.authorization ?? "";
  if (!/^Bearer \S+/.test(auth)) {
    fail(ctx, res, 401, "authentication_error", "Missing or invalid API key. Send Authorization: Bearer <key>.");
    return true;
  }
  if (submit && req.method === "POST") await handleSubmit(ctx, req, res);
  else if (status && req.method === "GET") handleStatus(ctx, res, decodeURIComponent(url.pathname.slice("/api/generate/status/".length)));
  else fail(ctx, res, 405, "invalid_request", `method ${req.method} not allowed`);
  return true;
};

async function handleSubmit(ctx: SimContext, req: Parameters<SimRoute>[1], res: Parameters<SimRoute>[2]): Promise<void> {
  const key = ctx.options.idempotency ? req.headers["idempotency-key"] : undefined;
  const earlier = typeof key === "string" ? ctx.state.tasks.get(ctx.state.byIdempotencyKey.get(key) ?? "") : undefined;
  if (earlier) {
    sendJson(res, 200, {
      code: 200,
      message: "success",
      data: { task_id: earlier.id, status: "not_started", created_time: new Date(earlier.createdAt).toISOString().slice(0, 19) },
    });
    return;
  }
  const body = (await readJson(req)) as { model?: string; input?: Record<string, unknown> } | undefined;
  if (!body || typeof body !== "object") return fail(ctx, res, 400, "invalid_request", "Request body must be JSON.");
  const model = MODELS[body.model ?? ""];
  if (!model)
    return fail(
      ctx,
      res,
      400,
      "invalid_request",
      `Unsupported model: ${body.model ?? "(missing)"}. Supported: ${Object.keys(MODELS).join(", ")}.`,
    );
  const input = body.input ?? {};
  const prompt = input.prompt;
  if (typeof prompt !== "string" || !prompt.trim()) return fail(ctx, res, 400, "invalid_request", "input.prompt is required.");
  const resolution = (input.resolution ?? "1K") as Resolution;
  if (!model.resolutions.includes(resolution))
    return fail(ctx, res, 400, "invalid_request", `input.resolution must be one of ${model.resolutions.join(", ")} for ${body.model}.`);
  const size = String(input.size ?? "auto");
  if (!model.ratios.includes(size)) return fail(ctx, res, 400, "invalid_request", `input.size must be one of ${model.ratios.join(", ")}.`);
  const fmt = String(input.output_format ?? "png");
  if (!model.formats.includes(fmt))
    return fail(ctx, res, 400, "invalid_request", `input.output_format must be one of ${model.formats.join(", ")} for ${body.model}.`);
  const urls = input.image_urls;
  if (model.edit && (!Array.isArray(urls) || urls.length === 0))
    return fail(ctx, res, 400, "invalid_request", "input.image_urls is required for edit models.");
  if (
    Array.isArray(urls) &&
    (urls.length > 14 || urls.some((u) => typeof u !== "string" || (!u.startsWith("https://") && !u.startsWith("http://"))))
  ) {
    return fail(ctx, res, 400, "invalid_request", "input.image_urls takes at most 14 http(s) URLs.");
  }
  const refs = Array.isArray(urls) ? await referenceBytes(ctx, urls as string[]) : undefined;
  if (refs && "error" in refs) return fail(ctx, res, 400, "invalid_request", `input.image_urls: ${refs.error}.`);
  const ratio = (size === "auto" ? "1:1" : size) as AspectRatio;
  const px = pixelSize(model.family, resolution, ratio) ?? { width: 1024, height: 1024 };
  const format: ImageFormat = fmt === "jpg" ? "jpeg" : (fmt as ImageFormat);
  const price = listedPrice("apidot", model.family, resolution);
  const now = ctx.now();
  const task = {
    id: ctx.state.newId("ad_"),
    provider: "apidot",
    modelId: body.model!,
    prompt,
    ...px,
    format,
    createdAt: now,
    readyAt: now + ctx.options.latencyMs,
    costUsd: price?.usd ?? 0,
    credits: price?.credits,
    imageKey: sha256(JSON.stringify(["apidot", body.model, prompt, resolution, size, fmt, input.seed ?? null, refs?.keyParts ?? null])),
    ...(refs?.ids.length ? { references: refs.ids } : {}),
    title: `${body.model} · ${resolution} · ${size} · ${fmt}${input.seed !== undefined ? ` · seed ${input.seed}` : ""}`,
  };
  ctx.state.accept(task);
  if (typeof key === "string") ctx.state.byIdempotencyKey.set(key, task.id);
  sendJson(res, 200, {
    code: 200,
    message: "success",
    data: { task_id: task.id, status: "not_started", created_time: new Date(now).toISOString().slice(0, 19) },
  });
}

function handleStatus(ctx: SimContext, res: Parameters<SimRoute>[2], id: string): void {
  const task = ctx.state.tasks.get(id);
  if (task?.provider !== "apidot") return fail(ctx, res, 404, "not_found", `Task ${id} not found.`);
  const now = ctx.now();
  const data: Record<string, unknown> = { task_id: task.id, created_time: new Date(task.createdAt).toISOString().slice(0, 19) };
  if (now < task.readyAt) {
    const elapsed = now - task.createdAt;
    const total = task.readyAt - task.createdAt;
    data.status = elapsed < total * 0.2 ? "not_started" : "running";
    data.progress = Math.min(99, Math.floor((elapsed / total) * 100));
  } else if (task.failure) {
    data.status = "failed";
    data.error_message = task.failure.message;
  } else {
    data.status = "finished";
    data.progress = 100;
    data.credits_amount = task.credits;
    const files = [{ file_url: ctx.fileUrl(task), file_type: "image" }];
    // Public material shows the files in two places; the simulator uses both, task by task.
    if (parseInt(sha256(task.id).slice(0, 2), 16) % 2 === 0) data.output = { files };
    else data.files = files;
  }
  sendJson(res, 200, { code: 200, message: "success", data });
}
