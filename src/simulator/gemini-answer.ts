import {
  ASPECT_RATIOS,
  COMMON_RATIOS,
  GOOGLE_MODEL_IDS,
  type AspectRatio,
  type ModelFamily,
  type Resolution,
} from "../core/catalog/models.js";
import { GEMINI_IMAGE_TOKENS, GEMINI_TOKEN_PRICES, geminiUsageCost } from "../core/catalog/gemini-tokens.js";
import { pixelSize } from "../core/catalog/pixel-sizes.js";
import { round } from "../core/catalog/prices.js";
import { sha256 } from "../core/hash.js";
import { renderCard } from "./card.js";
import { backdropAsked } from "./backdrop.js";
import type { SimContext } from "./context.js";
import { taskImage } from "./files.js";
import type { ParsedGeminiRequest } from "./gemini-request.js";
import type { SimTask } from "./state.js";
import { promptTrigger, type PromptTrigger } from "./triggers.js";

/**
 * One generateContent answer, in two steps so that the Batch API can charge a request when its
 * job runs and draw the image only when the results file is read: `decideAnswer` makes the
 * task (usage, cost, failures), `answerBody` renders the GenerateContentResponse.
 */
export interface GeminiModel {
  family: ModelFamily;
  sizes: string[];
  ratios: readonly string[];
  thinks: boolean;
  mime: "png" | "jpeg";
}

/** The image models the API serves today, and what each takes. Gemini 3 models think first. */
export const GEMINI_MODELS: Record<string, GeminiModel> = {
  [GOOGLE_MODEL_IDS["nano-banana"]]: { family: "nano-banana", sizes: ["1K"], ratios: COMMON_RATIOS, thinks: false, mime: "png" },
  [GOOGLE_MODEL_IDS["nano-banana-2"]]: {
    family: "nano-banana-2",
    sizes: ["512", "1K", "2K", "4K"],
    ratios: ASPECT_RATIOS,
    thinks: true,
    mime: "jpeg",
  },
  [GOOGLE_MODEL_IDS["nano-banana-pro"]]: {
    family: "nano-banana-pro",
    sizes: ["1K", "2K", "4K"],
    ratios: COMMON_RATIOS,
    thinks: true,
    mime: "jpeg",
  },
};

/** Google's error object (the body of an error answer, or a batch line's `error`). */
export interface GoogleErrorObject {
  code: number;
  status: string;
  message: string;
}

/** What one request turned into; charged (if at all) by the caller. */
export interface DecidedAnswer {
  task: SimTask;
  trigger?: PromptTrigger;
  draws: boolean;
  usage: Record<string, unknown>;
  thinks: boolean;
  /** Set when the request ends in an error answer (no charge). */
  error?: GoogleErrorObject;
  /** The thought image, once startDrawing has begun it. */
  thought?: Promise<Buffer>;
}

/** The INVALID_ARGUMENT message for a request this model cannot serve, if any. */
export function validateGemini(p: ParsedGeminiRequest, model: GeminiModel): string | undefined {
  if (!p.prompt.trim() && p.images.length === 0) return "* GenerateContentRequest.contents[0].parts: a text or image part is required";
  if (p.aspectRatio !== undefined && !model.ratios.includes(p.aspectRatio))
    return `Unsupported aspect ratio: ${p.aspectRatio}. Supported: ${model.ratios.join(", ")}.`;
  if (p.imageSize !== undefined && !model.sizes.includes(p.imageSize))
    return `Unsupported image size: ${p.imageSize}. Supported: ${model.sizes.join(", ")} (upper-case K).`;
  if (p.images.length + p.fileUris.length > 14) return "At most 14 input images are supported.";
  if ((p.candidateCount ?? 1) !== 1) return "Multiple candidates are not enabled for this model.";
  return undefined;
}

/** Usage, cost and outcome of one request; `priceFactor` is 0.5 for the Batch API. */
export function decideAnswer(ctx: SimContext, modelId: string, model: GeminiModel, p: ParsedGeminiRequest, priceFactor = 1): DecidedAnswer {
  const trigger = promptTrigger(p.prompt);
  const resolution: Resolution = p.imageSize === "512" ? "0.5K" : ((p.imageSize ?? "1K") as Resolution);
  const ratio = (p.aspectRatio ?? "1:1") as AspectRatio;
  const px = pixelSize(model.family, resolution, ratio) ?? { width: 1024, height: 1024 };
  const prices = GEMINI_TOKEN_PRICES[model.family];
  const promptTokens = Math.ceil(p.prompt.length / 4) + (p.images.length + p.fileUris.length) * prices.inputImageTokens;
  const imageTokens = GEMINI_IMAGE_TOKENS[model.family][resolution] ?? 1290;
  const draws = p.modalities.includes("IMAGE") && (!trigger || trigger === "blank");
  const thoughts = model.thinks ? 184 : 0;
  const textTokens = draws ? (model.thinks ? 0 : 9) : 24;
  const usage = {
    promptTokenCount: promptTokens,
    candidatesTokenCount: (draws ? imageTokens : 0) + textTokens,
    totalTokenCount: promptTokens + (draws ? imageTokens : 0) + textTokens + thoughts,
    ...(thoughts ? { thoughtsTokenCount: thoughts } : {}),
    promptTokensDetails: [
      { modality: "TEXT", tokenCount: promptTokens - p.images.length * prices.inputImageTokens },
      ...(p.images.length ? [{ modality: "IMAGE", tokenCount: p.images.length * prices.inputImageTokens }] : []),
    ],
    candidatesTokensDetails: [
      ...(draws ? [{ modality: "IMAGE", tokenCount: imageTokens }] : []),
      ...(textTokens ? [{ modality: "TEXT", tokenCount: textTokens }] : []),
    ],
  };
  const now = ctx.now();
  const task: SimTask = {
    id: responseId(),
    provider: "gemini",
    modelId,
    prompt: p.prompt,
    ...px,
    format: model.mime,
    createdAt: now,
    readyAt: now,
    costUsd: round(geminiUsageCost(model.family, usage).usd * priceFactor),
    imageKey: sha256(JSON.stringify(["gemini", modelId, p.prompt, resolution, ratio, p.seed ?? null, p.images.map((i) => sha256(i.data))])),
    title: `${modelId} · ${p.imageSize ?? "1K"} · ${ratio}${p.images.length ? ` · ${p.images.length} ref` : ""}`,
  };
  if (p.images.length && backdropAsked(p.prompt) === "black") task.inlineImages = p.images.map((i) => Buffer.from(i.data, "base64"));
  const error =
    trigger === "fail"
      ? {
          code: 500,
          status: "INTERNAL",
          message: "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting",
        }
      : undefined;
  return { task, trigger, draws, usage, thinks: model.thinks, error };
}

/**
 * Begins drawing the images of an answer that will have them, as the request arrives: a real
 * model generates during its latency, so its answer is ready when the latency has passed. Drawn
 * at the end instead, every answer came the render later than the latency asked for, and
 * later still while the client's own work shared the machine. Injected faults are decided at
 * accept: an image drawn for a task that then fails is only wasted work.
 */
export function startDrawing(ctx: SimContext, a: DecidedAnswer): void {
  if (!a.draws || a.error) return;
  ctx.state.drawingsStarted++;
  taskImage(a.task, ctx.state.uploads).catch(() => {});
  if (a.thinks) {
    a.thought = thoughtImage(a.task);
    a.thought.catch(() => {});
  }
}

/** The GenerateContentResponse of a decided (and charged) request; draws its image. */
export async function answerBody(
  ctx: SimContext,
  a: DecidedAnswer,
  opts: { thoughtImage?: boolean } = {},
): Promise<Record<string, unknown>> {
  const { task, trigger, draws } = a;
  // serviceTier appears in real answers of paid projects; a reader must take it in its stride.
  const base = { usageMetadata: a.usage, modelVersion: task.modelId, responseId: task.id, serviceTier: "standard" };
  if (trigger === "blocked-prompt") return { promptFeedback: { blockReason: "PROHIBITED_CONTENT" }, ...base };
  // A real refusal shape: no parts at all, not even an empty list.
  if (trigger === "no-image") return { candidates: [{ content: {}, finishReason: "NO_IMAGE", index: 0 }], ...base };
  const parts: unknown[] = [];
  if (a.thinks) {
    parts.push({ text: "**Planning the composition**\n\nI am laying out the subject and the light before drawing.", thought: true });
    if (draws && opts.thoughtImage !== false)
      parts.push({
        inlineData: { mimeType: "image/jpeg", data: (await (a.thought ?? thoughtImage(task))).toString("base64") },
        thought: true,
      });
  }
  let finishReason = "STOP";
  let finishMessage: string | undefined;
  // A synchronous API has no failed task: an injected failure is an answer without an image.
  const injected = task.failure?.kind;
  if (injected === "failed") {
    finishReason = "OTHER";
    finishMessage = "The model could not produce an image for this request (simulated failure).";
  } else if (trigger === "blocked" || injected === "blocked") {
    finishReason = "IMAGE_SAFETY";
    finishMessage =
      "Unable to show the generated image. The image was filtered out because it violated Google's Generative AI Prohibited Use policy.";
  } else if (!draws) {
    parts.push({ text: "I can describe that scene in words, but I will not draw it right now." });
  } else {
    if (!a.thinks) parts.push({ text: "Here is the image you asked for." });
    parts.push({
      inlineData: { mimeType: `image/${task.format}`, data: (await taskImage(task, ctx.state.uploads)).toString("base64") },
      thoughtSignature: sha256(task.id).slice(0, 44),
    });
  }
  return {
    candidates: [{ content: { role: "model", parts }, finishReason, ...(finishMessage ? { finishMessage } : {}), index: 0 }],
    ...base,
  };
}

/** The interim "thought" image of a Gemini 3 model: a small draft card, never the result. */
function thoughtImage(task: SimTask): Promise<Buffer> {
  return renderCard({
    width: 256,
    height: 256,
    format: "jpeg",
    title: "draft (thought)",
    text: task.prompt,
    seed: `thought:${task.imageKey}`,
  });
}

function responseId(): string {
  return Buffer.from(sha256(`${Date.now()}:${Math.random()}`).slice(0, 34), "hex").toString("base64url");
}
