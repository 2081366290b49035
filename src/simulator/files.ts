import { extensionOf } from "../core/catalog/models.js";
import sharp from "sharp";
import { renderCard } from "./card.js";
import { promptTrigger } from "./triggers.js";
import { withReferences } from "./edit-image.js";
import { backdropAsked, backdropImage } from "./backdrop.js";
import type { SimRoute } from "./context.js";
import { sendJson } from "./http-util.js";
import type { SimTask } from "./state.js";

const CACHE_LIMIT = 256;
const cache = new Map<string, Promise<Buffer>>();

/** The image of a task: a card showing its prompt, at the model's pixel size, deterministic. */
export function taskImage(task: SimTask, uploads: Map<string, { data: Buffer }>): Promise<Buffer> {
  const refs = (task.references ?? []).map((id) => uploads.get(id)?.data).filter((b): b is Buffer => b !== undefined);
  // The references drawn are part of the key: an image rendered without them is never served for one with them.
  const key = `${task.imageKey}:${task.width}x${task.height}.${task.format}:${refs.length}`;
  let img = cache.get(key);
  if (!img) {
    const backdrop = backdropAsked(task.prompt);
    img =
      promptTrigger(task.prompt) === "blank"
        ? blankImage(task)
        : backdrop
          ? backdropImage(task, backdrop, [...refs, ...(task.inlineImages ?? [])])
          : renderCard({
              width: task.width,
              height: task.height,
              format: task.format,
              title: task.title,
              text: task.prompt,
              seed: task.imageKey,
            });
    if (refs.length && !backdrop) img = img.then((card) => withReferences(card, task.width, task.height, task.format, refs));
    cache.set(key, img);
    img.catch(() => cache.delete(key));
    if (cache.size > CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  }
  return img;
}

/** `[[blank]]`: one flat colour at the task's size and format. */
function blankImage(task: SimTask): Promise<Buffer> {
  return sharp({ create: { width: task.width, height: task.height, channels: 3, background: "#d8d8d8" } })
    .toFormat(task.format)
    .toBuffer();
}

export function filePath(task: SimTask, index = 0): string {
  return `/__simulator/files/${task.id}/${index}.${extensionOf(task.format)}`;
}

/** GET /__simulator/files/{taskId}/{n}.{ext}?expires=…: the result download. */
export const filesRoute: SimRoute = async (ctx, req, res, url) => {
  const m = /^\/__simulator\/files\/([^/]+)\/(\d+)\.(png|jpg|webp)$/.exec(url.pathname);
  if (!m) return false;
  ctx.state.count("files");
  const task = ctx.state.tasks.get(m[1]);
  if (!task || req.method !== "GET") {
    sendJson(res, 404, { error: "not found" });
    return true;
  }
  const expires = Number(url.searchParams.get("expires"));
  if (Number.isFinite(expires) && expires > 0 && ctx.now() > expires) {
    sendJson(res, 403, { error: "the signed URL has expired" });
    return true;
  }
  const body = await taskImage(task, ctx.state.uploads);
  res.writeHead(200, { "content-type": `image/${task.format}`, "content-length": body.length });
  res.end(body);
  return true;
};
