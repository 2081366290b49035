import type { Dispatcher } from "undici";
import { HttpError, redactUrl } from "../../transport/errors.js";
import { sniffInlineImage } from "../../../core/references/sniff.js";
import type { ReferenceInput } from "../types.js";
import type { InlineImage } from "./translate.js";

/** Inline request data is capped at 20 MB by Google; keep the images under that. */
const MAX_INLINE_BYTES = 18 * 1024 * 1024;

/**
 * Gemini takes reference images inline (base64): bytes are used as they are, URLs are
 * fetched first. Checked before the paid request is sent.
 */
export async function inlineReferences(refs: ReferenceInput[], dispatcher: Dispatcher, signal?: AbortSignal): Promise<InlineImage[]> {
  const out: InlineImage[] = [];
  let total = 0;
  for (const [i, ref] of refs.entries()) {
    const bytes = ref.data ?? (ref.url ? await fetchBytes(ref.url, dispatcher, signal) : undefined);
    if (!bytes) throw new Error(`reference image ${i + 1} has neither bytes nor a URL`);
    const mimeType = sniffInlineImage(bytes) ?? ref.mimeType;
    if (!mimeType) throw new Error(`reference image ${i + 1} is not a PNG, JPEG, WebP, HEIC or HEIF image`);
    total += bytes.length;
    if (total > MAX_INLINE_BYTES)
      throw new Error(`reference images add up to more than ${MAX_INLINE_BYTES / 1024 / 1024} MB, Gemini's inline limit`);
    out.push({ mimeType, data: Buffer.from(bytes).toString("base64") });
  }
  return out;
}

async function fetchBytes(url: string, dispatcher: Dispatcher, signal?: AbortSignal): Promise<Uint8Array> {
  const shown = redactUrl(url);
  const { request } = await import("undici");
  const res = await request(url, { method: "GET", dispatcher, signal }).catch((err: Error) => {
    throw new HttpError(`GET ${shown} (reference image) failed: ${err.message}`, {
      url: shown,
      method: "GET",
      retryable: false,
      mayHaveReachedServer: true,
    });
  });
  if (res.statusCode !== 200) {
    await res.body.dump();
    throw new HttpError(`GET ${shown} (reference image) → ${res.statusCode}`, {
      url: shown,
      method: "GET",
      status: res.statusCode,
      retryable: false,
      mayHaveReachedServer: true,
    });
  }
  return new Uint8Array(await res.body.arrayBuffer());
}
