import type { ImageOutput, ImageRequest, TaskStatus } from "../types.js";

/** Neutral request → APIDot's `input` fields. */
export function toApidotInput(req: ImageRequest): Record<string, unknown> {
  const pro = req.model === "nano-banana-pro";
  const input: Record<string, unknown> = {
    prompt: req.prompt,
    resolution: req.resolution,
    size: req.aspectRatio,
    // pro spells jpeg "jpg"; nano-banana-2 takes png|jpeg|webp.
    output_format: pro && req.format === "jpeg" ? "jpg" : req.format,
  };
  if (req.seed !== undefined && !pro) input.seed = req.seed;
  if (req.webSearch) input[pro ? "enable_web_search" : "google_search"] = true;
  if (req.references.length > 0) input.image_urls = req.references.map((r) => r.url);
  return input;
}

interface ApidotFile {
  file_url?: string;
  file_type?: string;
}

/** The files of a finished task: public material shows both `data.output.files` and `data.files`. */
export function apidotFiles(data: Record<string, unknown>): ImageOutput[] {
  const output = data.output as { files?: ApidotFile[] } | undefined;
  const files = [...(output?.files ?? []), ...((data.files as ApidotFile[] | undefined) ?? [])];
  const seen = new Set<string>();
  const out: ImageOutput[] = [];
  for (const f of files) {
    if (!f?.file_url || seen.has(f.file_url) || (f.file_type && f.file_type !== "image")) continue;
    seen.add(f.file_url);
    out.push({ url: f.file_url });
  }
  return out;
}

const SAFETY = /safety|content polic|prohibited|nsfw|sensitive|moderation/i;

/** APIDot `data` of a status answer → neutral status. Cost is filled in by the adapter. */
export function toTaskStatus(data: Record<string, unknown>): TaskStatus {
  const status = String(data.status ?? "");
  switch (status) {
    case "finished": {
      const images = apidotFiles(data);
      if (images.length === 0) return { state: "empty", message: "the task finished without an image file" };
      return { state: "succeeded", images };
    }
    case "failed": {
      const message = String(data.error_message ?? "the task failed");
      // APIDot reports a safety refusal as a failed task; it is a block (reported, not retried).
      if (SAFETY.test(message)) return { state: "blocked", reason: "safety", message };
      return { state: "failed", message, code: data.error_code ? String(data.error_code) : undefined };
    }
    case "not_started":
    case "running":
    case "":
      return { state: "pending", progress: typeof data.progress === "number" ? data.progress : undefined };
    default:
      return { state: "pending", unknown: status };
  }
}
