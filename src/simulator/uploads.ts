import { sha256 } from "../core/hash.js";
import { sniffImageType } from "../core/references/sniff.js";
import type { SimRoute } from "./context.js";
import { sendJson } from "./http-util.js";

/** File extension of an upload id, by image type. */
export const UPLOAD_EXT = { "image/jpeg": "jpg", "image/png": "png", "image/webp": "webp" } as const;
const LIMIT = 64 * 1024 * 1024;

/**
 * Simulator only: POST /__simulator/uploads (the image bytes as the body) → `{url}`, and
 * GET of that URL. Lets a simulated build hand local reference images to URL-only providers,
 * as a real project would with its own image hosting.
 */
export const uploadsRoute: SimRoute = async (ctx, req, res, url) => {
  if (!url.pathname.startsWith("/__simulator/uploads")) return false;
  ctx.state.count("uploads");
  if (req.method === "POST" && url.pathname === "/__simulator/uploads") {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of req) {
      size += (c as Buffer).length;
      if (size > LIMIT) return (sendJson(res, 413, { error: "upload too large" }), true);
      chunks.push(c as Buffer);
    }
    const data = Buffer.concat(chunks);
    const mime = sniffImageType(data.subarray(0, 16));
    if (!mime) return (sendJson(res, 415, { error: "uploads must be jpeg, png or webp images" }), true);
    const id = `${sha256(data)}.${UPLOAD_EXT[mime]}`;
    ctx.state.uploads.set(id, { data, mimeType: mime });
    sendJson(res, 200, { url: `${ctx.origin()}/__simulator/uploads/${id}` });
    return true;
  }
  const up = ctx.state.uploads.get(url.pathname.slice("/__simulator/uploads/".length));
  if (!up || (req.method !== "GET" && req.method !== "HEAD")) {
    sendJson(res, 404, { error: "not found" });
    return true;
  }
  res.writeHead(200, { "content-type": up.mimeType, "content-length": up.data.length });
  res.end(req.method === "HEAD" ? undefined : up.data);
  return true;
};
