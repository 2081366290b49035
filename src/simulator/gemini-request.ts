/**
 * Reading a generateContent request the way Google does: every field in camelCase or
 * snake_case (the SDK sends camelCase, Google's curl samples snake_case).
 */

type Obj = Record<string, unknown>;

/** `field(o, "imageConfig")` also finds `image_config`. */
export function field(o: unknown, camel: string): unknown {
  if (!o || typeof o !== "object") return undefined;
  const snake = camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  return (o as Obj)[camel] ?? (o as Obj)[snake];
}

export interface InlinePart {
  mimeType: string;
  data: string;
}

/** What the simulator needs from a request. */
export interface ParsedGeminiRequest {
  prompt: string;
  images: InlinePart[];
  fileUris: string[];
  modalities: string[];
  aspectRatio?: string;
  imageSize?: string;
  seed?: number;
  candidateCount?: number;
}

/** Parses the body or returns the INVALID_ARGUMENT message Google would send. */
export function parseGeminiRequest(body: unknown): ParsedGeminiRequest | { error: string } {
  if (!body || typeof body !== "object") return { error: "Invalid JSON payload received." };
  const contents = field(body, "contents");
  const list = Array.isArray(contents) ? contents : contents && typeof contents === "object" ? [contents] : [];
  if (list.length === 0) return { error: "* GenerateContentRequest.contents: contents is not specified" };
  const texts: string[] = [];
  const images: InlinePart[] = [];
  const fileUris: string[] = [];
  for (const [ci, c] of list.entries()) {
    const parts = field(c, "parts");
    if (!Array.isArray(parts) || parts.length === 0)
      return { error: `* GenerateContentRequest.contents[${ci}].parts: contents.parts must not be empty.` };
    for (const [pi, p] of parts.entries()) {
      const inline = field(p, "inlineData");
      const file = field(p, "fileData");
      const text = field(p, "text");
      if (typeof text === "string") texts.push(text);
      else if (inline) {
        const mimeType = field(inline, "mimeType");
        const data = field(inline, "data");
        if (typeof mimeType !== "string" || !/^image\/(png|jpeg|webp|heic|heif)$/.test(mimeType)) {
          return {
            error: `* GenerateContentRequest.contents[${ci}].parts[${pi}].inline_data.mime_type: Unsupported MIME type: ${String(mimeType)}`,
          };
        }
        if (typeof data !== "string" || !data || !/^[A-Za-z0-9+/=_-]+$/.test(data)) {
          return { error: `Invalid value at 'contents[${ci}].parts[${pi}].inline_data.data' (TYPE_BYTES), Base64 decoding failed` };
        }
        images.push({ mimeType, data });
      } else if (file) {
        const uri = field(file, "fileUri");
        if (typeof uri !== "string")
          return { error: `* GenerateContentRequest.contents[${ci}].parts[${pi}].file_data.file_uri: file_uri is required` };
        fileUris.push(uri);
      } else {
        return {
          error: `* GenerateContentRequest.contents[${ci}].parts[${pi}].data: required oneof field 'data' must have one initialized field`,
        };
      }
    }
  }
  const gen = field(body, "generationConfig") ?? {};
  const img = field(gen, "imageConfig") ?? {};
  const modalities = field(gen, "responseModalities");
  const seed = field(gen, "seed");
  const count = field(gen, "candidateCount");
  return {
    prompt: texts.join("\n"),
    images,
    fileUris,
    modalities: Array.isArray(modalities) ? modalities.map((m) => String(m).toUpperCase()) : ["TEXT", "IMAGE"],
    aspectRatio: field(img, "aspectRatio") as string | undefined,
    imageSize: field(img, "imageSize") as string | undefined,
    seed: typeof seed === "number" ? seed : undefined,
    candidateCount: typeof count === "number" ? count : undefined,
  };
}
