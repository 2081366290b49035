import { sha256 } from "../core/hash.js";
import { sniffImageType } from "../core/references/sniff.js";
import type { SimContext } from "./context.js";
import { UPLOAD_EXT as EXT } from "./uploads.js";
const LIMIT = 64 * 1024 * 1024;

/** What a submit's reference URLs came to: the images to draw, and a stable part of the image key. */
export interface ReferenceBytes {
  /** Upload ids (`<sha256>.<ext>` in `state.uploads`) of the images this simulator holds or fetched. */
  ids: string[];
  /** One part per URL: the content hash of a fetched image (its URL is signed anew each time), else the URL without this origin. */
  keyParts: string[];
}

/**
 * Resolves a submit's reference URLs as the real service would fetch them: the simulator's
 * own uploads by id, URLs of an origin in `fetchOrigins` by a GET (bytes recorded in
 * `state.fetched` and kept with the uploads), other URLs taken on trust (the simulator reaches
 * no network). A URL that cannot be fetched, or is not an image, is an error message naming it.
 */
export async function referenceBytes(ctx: SimContext, urls: readonly string[]): Promise<ReferenceBytes | { error: string }> {
  const own = `${ctx.origin()}/__simulator/uploads/`;
  const out: ReferenceBytes = { ids: [], keyParts: [] };
  for (const url of urls) {
    if (url.startsWith(own)) {
      const id = url.slice(own.length);
      if (!ctx.state.uploads.has(id)) return { error: `${url} could not be fetched` };
      out.ids.push(id);
      out.keyParts.push(url.replace(ctx.origin(), ""));
    } else if (fetchable(ctx, url)) {
      const got = await download(url);
      if (typeof got === "string") return { error: `${url} could not be fetched (${got})` };
      const id = `${sha256(got.data)}.${EXT[got.mimeType]}`;
      ctx.state.uploads.set(id, got);
      ctx.state.fetched.push({ url, sha256: sha256(got.data), bytes: got.data.length });
      out.ids.push(id);
      out.keyParts.push(id.split(".")[0]);
    } else out.keyParts.push(url.replace(ctx.origin(), ""));
  }
  return out;
}

function fetchable(ctx: SimContext, url: string): boolean {
  try {
    return ctx.options.fetchOrigins.includes(new URL(url).origin);
  } catch {
    return false;
  }
}

async function download(url: string): Promise<{ data: Buffer; mimeType: keyof typeof EXT } | string> {
  try {
    const res = await fetch(url, { redirect: "follow", signal: AbortSignal.timeout(30_000) });
    if (!res.ok) return `HTTP ${res.status}`;
    const data = Buffer.from(await res.arrayBuffer());
    if (data.length > LIMIT) return "larger than 64 MB";
    const mimeType = sniffImageType(data.subarray(0, 16));
    return mimeType ? { data, mimeType } : "not a jpeg, png or webp image";
  } catch (err) {
    return (err as Error).message;
  }
}
