import { sniffInlineImage } from "../../../core/references/sniff.js";
import type { HttpClient } from "../../transport/client.js";
import type { ReferenceInput } from "../types.js";
import type { InlineImage } from "./translate.js";

/** Inline request data is capped at 20 MB by Google; keep the images under that. */
const MAX_INLINE_BYTES = 18 * 1024 * 1024;

/**
 * Gemini takes reference images inline (base64): bytes are used as they are, URLs are
 * fetched first (through the transport, under the retry policy and the size cap). Checked
 * before the paid request is sent.
 */
export async function inlineReferences(refs: ReferenceInput[], http: HttpClient, signal?: AbortSignal): Promise<InlineImage[]> {
  const out: InlineImage[] = [];
  let total = 0;
  for (const [i, ref] of refs.entries()) {
    const bytes =
      ref.data ??
      (ref.url
        ? (await http.bytes({ method: "GET", url: ref.url, signal, maxBytes: MAX_INLINE_BYTES, what: "reference image" })).data
        : undefined);
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
