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
import { taskImage } from "./files.js";
import { referenceBytes } from "./fetch-references.js";
import { readJson, sendJson } from "./http-util.js";
import type { SimTask } from "./state.js";
import { failureFor, keyProblem, promptTrigger } from "./triggers.js";

type Res = Parameters<SimRoute>[2];

/** fal's nano-banana apps; each has an `/edit` endpoint that requires `image_urls`. */
const APPS: Record<string, { family: ModelFamily; resolutions?: Resolution[]; ratios: readonly string[] }> = {
  "fal-ai/nano-banana": { family: "nano-banana", ratios: COMMON_RATIOS },
  "fal-ai/nano-banana-2": { family: "nano-banana-2", resolutions: ["0.5K", "1K", "2K", "4K"], ratios: ["auto", ...ASPECT_RATIOS] },
  "fal-ai/nano-banana-pro": { family: "nano-banana-pro", resolutions: ["1K", "2K", "4K"], ratios: ["auto", ...COMMON_RATIOS] },
};
const FORMATS = ["jpeg", "png", "webp"];

/** FastAPI-style validation error, as fal sends it. */
function invalid(res: Res, loc: string, msg: string, type = "value_error"): void {
  sendJson(res, 422, { detail: [{ loc: ["body", loc], msg, type }] });
}

/**
 * fal queue: POST /{owner}/{alias}[/edit] → request id; GET /{owner}/{alias}/requests/{id}/status
 * (never under /edit); GET /{owner}/{alias}/requests/{id} → result. `Authorization: Key …`.
 */
export const falRoute: SimRoute = async (ctx, req, res, url) => {
  if (!url.pathname.startsWith("/fal-ai/")) return false;
  const path = url.pathname.slice(1);
  const reqMatch = /^(.+?)\/requests\/([^/]+)(\/status|\/cancel)?$/.exec(path);
  ctx.state.count(reqMatch ? (reqMatch[3] === "/status" ? "fal.status" : reqMatch[3] ? "fal.cancel" : "fal.result") : "fal.submit");
  const auth = String(req.headers.authorization ?? "");
  const key = /^Key\s+(\S+)/.exec(auth)?.[1];
  const problem = keyProblem(key);
  if (problem) {
    sendJson(res, 401, {
      detail:
        problem === "missing" ? "Missing authorization header. Send Authorization: Key <FAL_KEY>." : "No user found for Key ID and Secret",
    });
    return true;
  }
  if (reqMatch) {
    const [, app, id, tail] = reqMatch;
    const task = ctx.state.tasks.get(decodeURIComponent(id));
    // Requests live under the app; `…/edit/requests/…` is not a route.
    if (task?.provider !== "fal" || !APPS[app] || appOf(task) !== app) {
      sendJson(res, 404, { detail: `Request ${id} not found under ${app}` });
    } else if (tail === "/status" && req.method === "GET") sendStatus(ctx, res, task, app, url);
    else if (tail === "/cancel" && req.method === "PUT") sendJson(res, 400, { status: "ALREADY_COMPLETED" });
    else if (!tail && req.method === "GET") await sendResult(ctx, res, task);
    else sendJson(res, 405, { detail: "Method Not Allowed" });
    return true;
  }
  if (req.method !== "POST") {
    sendJson(res, 405, { detail: "Method Not Allowed" });
    return true;
  }
  await submit(ctx, req, res, path);
  return true;
};

function appOf(task: SimTask): string {
  return task.modelId.split("/").slice(0, 2).join("/");
}

async function submit(ctx: SimContext, req: Parameters<SimRoute>[1], res: Res, endpoint: string): Promise<void> {
  const edit = endpoint.endsWith("/edit");
  const app = APPS[edit ? endpoint.slice(0, -"/edit".length) : endpoint];
  if (!app) return sendJson(res, 404, { detail: `Application '${endpoint}' not found` });
  const input = (await readJson(req)) as Record<string, unknown> | undefined;
  if (!input || typeof input !== "object")
    return sendJson(res, 422, { detail: [{ loc: ["body"], msg: "Input should be a valid dictionary", type: "dict_type" }] });
  const prompt = input.prompt;
  if (typeof prompt !== "string" || !prompt.trim()) return invalid(res, "prompt", "Field required", "missing");
  const ratio = String(input.aspect_ratio ?? (app.family === "nano-banana" ? "1:1" : "auto"));
  if (!app.ratios.includes(ratio))
    return invalid(res, "aspect_ratio", `Input should be ${app.ratios.map((r) => `'${r}'`).join(", ")}`, "literal_error");
  const fmt = String(input.output_format ?? "png");
  if (!FORMATS.includes(fmt)) return invalid(res, "output_format", "Input should be 'jpeg', 'png' or 'webp'", "literal_error");
  let resolution: Resolution = "1K";
  if (input.resolution !== undefined) {
    if (!app.resolutions) return invalid(res, "resolution", "Extra inputs are not permitted", "extra_forbidden");
    if (!app.resolutions.includes(input.resolution as Resolution))
      return invalid(res, "resolution", `Input should be ${app.resolutions.map((r) => `'${r}'`).join(", ")}`, "literal_error");
    resolution = input.resolution as Resolution;
  }
  const urls = input.image_urls;
  if (edit && (!Array.isArray(urls) || urls.length === 0)) return invalid(res, "image_urls", "Field required", "missing");
  if (Array.isArray(urls) && urls.some((u) => typeof u !== "string" || !/^(https?:|data:image\/)/.test(u)))
    return invalid(res, "image_urls", "Input should be a valid URL", "url_parsing");
  const refs = Array.isArray(urls) ? await referenceBytes(ctx, urls as string[]) : undefined;
  if (refs && "error" in refs) return invalid(res, "image_urls", `Could not download ${refs.error}`, "image_load_error");
  const n = input.num_images ?? 1;
  if (!Number.isInteger(n) || (n as number) < 1 || (n as number) > 4)
    return invalid(res, "num_images", "Input should be an integer from 1 to 4", "int_type");
  const r = (ratio === "auto" ? "1:1" : ratio) as AspectRatio;
  const px = pixelSize(app.family, resolution, r) ?? { width: 1024, height: 1024 };
  const now = ctx.now();
  const failure = failureFor(promptTrigger(prompt));
  const task: SimTask & { syncMode?: boolean } = {
    id: crypto.randomUUID(),
    provider: "fal",
    modelId: endpoint,
    prompt,
    ...px,
    format: fmt as ImageFormat,
    createdAt: now,
    readyAt: now + ctx.options.latencyMs,
    failure,
    // fal bills a request when it succeeds.
    costUsd: failure ? 0 : (listedPrice("fal", app.family, resolution)?.usd ?? 0),
    imageKey: sha256(JSON.stringify(["fal", endpoint, prompt, resolution, ratio, fmt, input.seed ?? null, refs?.keyParts ?? null])),
    title: `${endpoint} · ${app.resolutions ? resolution : "1K"} · ${ratio} · ${fmt}${input.seed !== undefined ? ` · seed ${input.seed}` : ""}`,
    syncMode: input.sync_mode === true,
  };
  ctx.state.accept(task);
  const base = `${ctx.origin()}/${appOf(task)}/requests/${task.id}`;
  sendJson(res, 200, {
    status: "IN_QUEUE",
    request_id: task.id,
    response_url: base,
    status_url: `${base}/status`,
    cancel_url: `${base}/cancel`,
    queue_position: 0,
  });
}

/** IN_QUEUE for the first fifth of the latency, IN_PROGRESS until ready, then COMPLETED. */
function sendStatus(ctx: SimContext, res: Res, task: SimTask, app: string, url: URL): void {
  const now = ctx.now();
  const base = `${ctx.origin()}/${app}/requests/${task.id}`;
  const common = {
    request_id: task.id,
    response_url: base,
    status_url: `${base}/status`,
    cancel_url: `${base}/cancel`,
    logs: url.searchParams.get("logs") === "1" ? [] : null,
  };
  const total = Math.max(1, task.readyAt - task.createdAt);
  if (now < task.createdAt + total * 0.2) return sendJson(res, 202, { status: "IN_QUEUE", queue_position: 0, ...common });
  if (now < task.readyAt) return sendJson(res, 202, { status: "IN_PROGRESS", ...common });
  const done: Record<string, unknown> = { status: "COMPLETED", ...common, metrics: { inference_time: total / 1000 } };
  if (task.failure?.kind === "failed") Object.assign(done, { error: task.failure.message, error_type: "internal_error" });
  sendJson(res, 200, done);
}

async function sendResult(ctx: SimContext, res: Res, task: SimTask & { syncMode?: boolean }): Promise<void> {
  if (ctx.now() < task.readyAt) return sendJson(res, 400, { detail: "Request is still in progress" });
  if (task.failure?.kind === "blocked") {
    return sendJson(res, 422, {
      detail: [
        {
          loc: ["body", "prompt"],
          msg: "The content could not be processed because it contained material flagged by a content checker.",
          type: "content_policy_violation",
        },
      ],
    });
  }
  if (task.failure) return sendJson(res, 500, { detail: task.failure.message });
  // sync_mode: the image comes back as a data URI instead of a CDN URL.
  const link = task.syncMode
    ? `data:image/${task.format};base64,${(await taskImage(task, ctx.state.uploads)).toString("base64")}`
    : ctx.fileUrl(task);
  const file = {
    url: link,
    content_type: `image/${task.format}`,
    file_name: `${task.id}.${task.format === "jpeg" ? "jpg" : task.format}`,
    width: task.width,
    height: task.height,
  };
  sendJson(res, 200, { images: [file], description: "" });
}
