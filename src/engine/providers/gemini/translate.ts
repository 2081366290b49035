import type { ImageOutput, ImageRequest, TaskStatus } from "../types.js";

/** One part of Gemini content, in either spelling (the API answers camelCase). */
interface Part {
  text?: string;
  thought?: boolean;
  inlineData?: { mimeType?: string; data?: string };
  inline_data?: { mime_type?: string; data?: string };
}

/** One part of Gemini content; image parts also carry a `thoughtSignature` (read past, never needed). */
export interface GeminiResponse {
  /** `content` may be `{}` with no parts at all (a NO_IMAGE refusal). */
  candidates?: { content?: { parts?: Part[] }; finishReason?: string; finishMessage?: string }[];
  promptFeedback?: { blockReason?: string; blockReasonMessage?: string };
  usageMetadata?: Record<string, unknown>;
  modelVersion?: string;
  responseId?: string;
  /** Seen in real answers (paid projects); informational. */
  serviceTier?: string;
}

/** A 429's QuotaFailure violation: which quota ran out, for which model. */
export interface GeminiQuota {
  quotaId: string;
  model?: string;
  /** A per-day quota stays exhausted until the day resets: retrying only burns time. */
  perDay: boolean;
}

/**
 * The quota a Gemini 429 names (`details[].@type` QuotaFailure), if any. Real answers put it
 * before Help and RetryInfo; a per-day one (`GenerateRequestsPerDayPerProjectPerModel…`) still
 * carries a RetryInfo of seconds.
 */
export function geminiQuota(body: unknown): GeminiQuota | undefined {
  const details = (body as { error?: { details?: unknown } } | undefined)?.error?.details;
  if (!Array.isArray(details)) return undefined;
  for (const d of details as { "@type"?: unknown; violations?: unknown }[]) {
    if (typeof d?.["@type"] !== "string" || !d["@type"].endsWith("google.rpc.QuotaFailure") || !Array.isArray(d.violations)) continue;
    const quotas = (d.violations as { quotaId?: unknown; quotaDimensions?: { model?: unknown } }[])
      .filter((v) => typeof v?.quotaId === "string")
      .map((v) => ({
        quotaId: v.quotaId as string,
        model: typeof v.quotaDimensions?.model === "string" ? v.quotaDimensions.model : undefined,
        perDay: /PerDay/i.test(v.quotaId as string),
      }));
    // A per-day violation decides: other quotas reset sooner, this one does not.
    const found = quotas.find((q) => q.perDay) ?? quotas[0];
    if (found) return found;
  }
  return undefined;
}

/** An inline reference image ready for the request. */
export interface InlineImage {
  mimeType: string;
  data: string;
}

/** Finish reasons that mean the model would not (or could not) draw the image. */
export const BLOCK_REASONS = new Set([
  "SAFETY",
  "IMAGE_SAFETY",
  "IMAGE_PROHIBITED_CONTENT",
  "PROHIBITED_CONTENT",
  "NO_IMAGE",
  "IMAGE_RECITATION",
  "IMAGE_OTHER",
  "RECITATION",
  "OTHER",
  "BLOCKLIST",
  "SPII",
  "MALFORMED_FUNCTION_CALL",
]);

/** Gemini spells 0.5K as "512" (no K); the rest as written, upper case. */
export function imageSize(resolution: ImageRequest["resolution"]): string {
  return resolution === "0.5K" ? "512" : resolution;
}

/** Neutral request → generateContent body (camelCase, as the official SDK sends it). */
export function toGeminiBody(req: ImageRequest, images: InlineImage[]): Record<string, unknown> {
  const imageConfig: Record<string, unknown> = { aspectRatio: req.aspectRatio };
  // gemini-2.5-flash-image makes 1K only and takes no imageSize.
  if (req.model !== "nano-banana") imageConfig.imageSize = imageSize(req.resolution);
  const generationConfig: Record<string, unknown> = { responseModalities: ["TEXT", "IMAGE"], candidateCount: 1, imageConfig };
  if (req.seed !== undefined) generationConfig.seed = req.seed;
  const body: Record<string, unknown> = {
    contents: [{ role: "user", parts: [{ text: req.prompt }, ...images.map((i) => ({ inlineData: i }))] }],
    generationConfig,
  };
  if (req.webSearch) body.tools = [{ googleSearch: {} }];
  return body;
}

/**
 * Reads a generateContent answer as mixed content: thought parts are never the result;
 * several images are all returned (the engine keeps the first and warns); no image is a
 * block (finishReason, promptFeedback) or a text-only answer, reported, never retried.
 */
export function toGeminiStatus(body: GeminiResponse): TaskStatus {
  const candidates = body?.candidates ?? [];
  if (candidates.length === 0) {
    const fb = body?.promptFeedback;
    if (fb?.blockReason) return { state: "blocked", reason: fb.blockReason, message: fb.blockReasonMessage ?? "the prompt was refused" };
    return { state: "failed", message: "Gemini answered without candidates", code: "NO_CANDIDATES" };
  }
  const cand = candidates[0];
  const parts = cand.content?.parts ?? [];
  const images: ImageOutput[] = [];
  const texts: string[] = [];
  for (const p of parts) {
    if (p.thought) continue;
    const inline = p.inlineData ?? (p.inline_data && { mimeType: p.inline_data.mime_type, data: p.inline_data.data });
    if (inline?.data) images.push({ data: Buffer.from(inline.data, "base64"), mimeType: inline.mimeType, formatChosenByModel: true });
    else if (typeof p.text === "string" && p.text.trim()) texts.push(p.text.trim());
  }
  const text = texts.join("\n") || undefined;
  if (images.length > 0) return { state: "succeeded", images, text };
  const reason = cand.finishReason;
  if (reason && BLOCK_REASONS.has(reason)) return { state: "blocked", reason, message: cand.finishMessage ?? text };
  // STOP (or no reason) with text only: the model answered in words instead of drawing.
  return {
    state: "blocked",
    reason: "NO_IMAGE",
    message: text ? `the model answered with text only: ${clip(text)}` : "the model returned no image",
  };
}

function clip(s: string): string {
  return s.length > 200 ? `${s.slice(0, 197)}...` : s;
}
