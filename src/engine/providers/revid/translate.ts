import type { ErrorDetails } from "../../transport/client.js";
import type { ImageOutput, ImageRequest, TaskStatus } from "../types.js";

/** Neutral request → Revid's `input`. Pro carries references in `image_input`, the edit model in `image_urls`. */
export function toRevidInput(req: ImageRequest): Record<string, unknown> {
  const pro = req.model === "nano-banana-pro";
  const input: Record<string, unknown> = {
    prompt: req.prompt,
    aspect_ratio: req.aspectRatio,
    output_format: req.format === "jpeg" ? "jpg" : req.format,
  };
  if (pro) input.resolution = req.resolution;
  if (req.references.length > 0) {
    const urls = req.references.map((r, i) => {
      if (!r.url) throw new Error(`reference image ${i + 1}: Revid takes reference images as URLs only`);
      return r.url;
    });
    input[pro ? "image_input" : "image_urls"] = urls;
  }
  return input;
}

export interface RevidTask {
  taskId?: string;
  state?: string;
  resultJson?: string | { resultUrls?: string[] };
  failCode?: string | number;
  failMsg?: string;
  costTime?: number;
}

/** Failure messages that mean a content refusal rather than a broken task. */
const REFUSAL = /safety|sensitive|content polic|prohibited|flagged|nsfw/i;

/** States a task passes through before it ends ("" when the answer carries none yet). */
const PENDING_STATES = new Set(["", "waiting", "queuing", "generating"]);

/** `data` of a query answer → neutral status. `resultJson` is a JSON string. */
export function fromRevidTask(d: RevidTask): TaskStatus {
  const state = String(d?.state ?? "");
  if (state === "success") {
    const images: ImageOutput[] = resultUrls(d.resultJson).map((url) => ({ url }));
    if (images.length === 0) return { state: "empty", message: "the task succeeded without a result URL" };
    return { state: "succeeded", images };
  }
  if (state === "fail" || state === "failed") {
    const message = d.failMsg || "the task failed";
    const code = d.failCode !== undefined && d.failCode !== "" ? String(d.failCode) : undefined;
    if (REFUSAL.test(message)) return { state: "blocked", reason: code ? `content_policy (${code})` : "content_policy", message };
    return { state: "failed", message, code };
  }
  return PENDING_STATES.has(state) ? { state: "pending" } : { state: "pending", unknown: state };
}

function resultUrls(raw: RevidTask["resultJson"]): string[] {
  let parsed: unknown = raw;
  if (typeof raw === "string") {
    try {
      parsed = JSON.parse(raw);
    } catch {
      return [];
    }
  }
  const urls = (parsed as { resultUrls?: unknown } | undefined)?.resultUrls;
  return Array.isArray(urls) ? urls.filter((u): u is string => typeof u === "string" && u.length > 0) : [];
}

/** Revid's error body: `{code, msg, data}` (the code may repeat the HTTP status, or say more). */
export function describeRevidError(_status: number, body: unknown): ErrorDetails {
  const b = (body ?? {}) as { code?: number | string; msg?: string; message?: string };
  return { code: b.code !== undefined ? String(b.code) : undefined, message: b.msg ?? b.message };
}
