import type { ErrorDetails } from "../../transport/client.js";
import type { ImageOutput, ImageRequest, ReferenceInput, TaskStatus } from "../types.js";

/** Neutral request → fal input JSON (the POST body itself, no envelope). */
export function toFalInput(req: ImageRequest): Record<string, unknown> {
  const input: Record<string, unknown> = {
    prompt: req.prompt,
    num_images: 1,
    aspect_ratio: req.aspectRatio,
    output_format: req.format,
  };
  // nano-banana has no resolution field.
  if (req.model !== "nano-banana") input.resolution = req.resolution;
  if (req.seed !== undefined) input.seed = req.seed;
  if (req.webSearch) input.enable_web_search = true;
  if (req.references.length > 0) input.image_urls = req.references.map(referenceUrl);
  return input;
}

/** fal takes https URLs or data URIs in `image_urls`. */
function referenceUrl(r: ReferenceInput, i: number): string {
  if (r.url) return r.url;
  if (r.data) return `data:${r.mimeType ?? "image/png"};base64,${Buffer.from(r.data).toString("base64")}`;
  throw new Error(`reference image ${i + 1} has neither bytes nor a URL`);
}

/**
 * `fal-ai/nano-banana-pro/edit` → `fal-ai/nano-banana-pro`: status and result live under the
 * app (owner/alias), never under a subpath like `/edit`.
 */
export function falAppId(endpoint: string): string {
  const parts = endpoint.split("/").filter(Boolean);
  return parts.slice(0, 2).join("/");
}

export interface FalStatus {
  status?: string;
  queue_position?: number;
  error?: unknown;
  error_type?: string;
}

/** A status answer → pending, failed, or `undefined` when the result should be fetched. */
export function fromFalStatus(s: FalStatus): TaskStatus | undefined {
  const status = String(s?.status ?? "");
  if (status === "IN_QUEUE")
    return { state: "pending", queuePosition: typeof s.queue_position === "number" ? s.queue_position : undefined };
  if (status === "IN_PROGRESS") return { state: "pending" };
  if (status === "COMPLETED") {
    if (s.error !== undefined && s.error !== null && s.error !== "")
      return { state: "failed", message: errorText(s.error), code: s.error_type };
    return undefined;
  }
  if (status === "FAILED" || status === "CANCELED" || status === "CANCELLED" || status === "ERROR") {
    return { state: "failed", message: s.error ? errorText(s.error) : `the request ended ${status}`, code: status };
  }
  return { state: "pending", unknown: status };
}

interface FalImage {
  url?: string;
  content_type?: string;
}

/** A result body → succeeded with its images (data URIs from sync mode become bytes). */
export function fromFalResult(body: { images?: FalImage[]; description?: string } | undefined): TaskStatus {
  const images: ImageOutput[] = [];
  for (const img of body?.images ?? []) {
    if (!img?.url) continue;
    const data = /^data:([^;,]+)?;base64,(.*)$/s.exec(img.url);
    images.push(data ? { data: Buffer.from(data[2], "base64"), mimeType: data[1] } : { url: img.url, mimeType: img.content_type });
  }
  if (images.length === 0)
    return { state: "empty", message: body?.description ? `no image: ${body.description}` : "the request completed without an image" };
  return { state: "succeeded", images, text: body?.description || undefined };
}

interface FalDetail {
  loc?: (string | number)[];
  msg?: string;
  type?: string;
}

/** fal's error bodies: 422 `{detail: [{loc, msg, type}]}`, or `{detail: "..."}`, or `{message}`. */
export function describeFalError(_status: number, body: unknown): ErrorDetails {
  const b = (body ?? {}) as { detail?: FalDetail[] | string; message?: string; error?: string };
  if (Array.isArray(b.detail) && b.detail.length) {
    const message = b.detail
      .map((d) => `${(d.loc ?? []).filter((x) => x !== "body").join(".") || "input"}: ${d.msg ?? d.type ?? "invalid"}`)
      .join("; ");
    return { code: b.detail[0].type, message };
  }
  if (typeof b.detail === "string") return { message: b.detail };
  return { message: b.message ?? b.error };
}

/** A content-checker refusal, as fal reports it. */
export function isContentPolicy(code: string | undefined, message: string | undefined): boolean {
  return code === "content_policy_violation" || /content (policy|checker)|flagged/i.test(message ?? "");
}

function errorText(e: unknown): string {
  if (typeof e === "string") return e;
  if (e && typeof e === "object" && "message" in e) return String((e as { message: unknown }).message);
  return JSON.stringify(e);
}
