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
import { sha256 } from "../core/hash.js";
import { renderCard } from "./card.js";
import type { SimContext, SimRoute } from "./context.js";
import { taskImage } from "./files.js";
import { parseGeminiRequest, type ParsedGeminiRequest } from "./gemini-request.js";
import { readJson, sendJson } from "./http-util.js";
import type { SimTask } from "./state.js";
import { keyProblem, promptTrigger } from "./triggers.js";

type Res = Parameters<SimRoute>[2];

/** The image models the API serves today, and what each takes. Gemini 3 models think first. */
const MODELS: Record<string, { family: ModelFamily; sizes: string[]; ratios: readonly string[]; thinks: boolean; mime: "png" | "jpeg" }> = {
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

const PATH = /^\/(v1beta|v1)\/models\/([^/:]+):generateContent$/;

/** Google's error body. */
export function googleError(res: Res, code: number, status: string, message: string, details?: unknown[]): void {
  sendJson(res, code, { error: { code, message, status, ...(details ? { details } : {}) } });
}

/** Gemini API: POST /v1beta/models/{model}:generateContent, key in `x-goog-api-key` (or `?key=`). */
export const geminiRoute: SimRoute = async (ctx, req, res, url) => {
  const m = PATH.exec(url.pathname);
  if (!m) return false;
  ctx.state.count("gemini.generateContent");
  const key = (req.headers["x-goog-api-key"] as string | undefined) ?? url.searchParams.get("key") ?? undefined;
  const problem = keyProblem(key);
  if (problem === "missing") {
    // What Google answers when no key is sent at all.
    googleError(
      res,
      403,
      "PERMISSION_DENIED",
      "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
    );
    return true;
  }
  if (problem === "invalid") {
    googleError(res, 400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.", [
      {
        "@type": "type.googleapis.com/google.rpc.ErrorInfo",
        reason: "API_KEY_INVALID",
        domain: "googleapis.com",
        metadata: { service: "generativelanguage.googleapis.com" },
      },
      {
        "@type": "type.googleapis.com/google.rpc.LocalizedMessage",
        locale: "en-US",
        message: "API key not valid. Please pass a valid API key.",
      },
    ]);
    return true;
  }
  if (req.method !== "POST") {
    googleError(res, 405, "METHOD_NOT_ALLOWED", `Method ${req.method} is not allowed.`);
    return true;
  }
  const modelId = decodeURIComponent(m[2]);
  const model = MODELS[modelId];
  if (!model) {
    // Retired preview ids (gemini-3-pro-image-preview, …) answer exactly like unknown ones.
    googleError(
      res,
      404,
      "NOT_FOUND",
      `models/${modelId} is not found for API version ${m[1]}, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.`,
    );
    return true;
  }
  const parsed = parseGeminiRequest(await readJson(req));
  if ("error" in parsed) {
    googleError(res, 400, "INVALID_ARGUMENT", parsed.error, [
      { "@type": "type.googleapis.com/google.rpc.BadRequest", fieldViolations: [{ description: parsed.error }] },
    ]);
    return true;
  }
  const invalid = validate(parsed, model);
  if (invalid) {
    googleError(res, 400, "INVALID_ARGUMENT", invalid);
    return true;
  }
  await answer(ctx, res, modelId, model, parsed);
  return true;
};

function validate(p: ParsedGeminiRequest, model: (typeof MODELS)[string]): string | undefined {
  if (!p.prompt.trim() && p.images.length === 0) return "* GenerateContentRequest.contents[0].parts: a text or image part is required";
  if (p.aspectRatio !== undefined && !model.ratios.includes(p.aspectRatio))
    return `Unsupported aspect ratio: ${p.aspectRatio}. Supported: ${model.ratios.join(", ")}.`;
  if (p.imageSize !== undefined && !model.sizes.includes(p.imageSize))
    return `Unsupported image size: ${p.imageSize}. Supported: ${model.sizes.join(", ")} (upper-case K).`;
  if (p.images.length + p.fileUris.length > 14) return "At most 14 input images are supported.";
  if ((p.candidateCount ?? 1) !== 1) return "Multiple candidates are not enabled for this model.";
  return undefined;
}

async function answer(ctx: SimContext, res: Res, modelId: string, model: (typeof MODELS)[string], p: ParsedGeminiRequest): Promise<void> {
  const trigger = promptTrigger(p.prompt);
  const resolution: Resolution = p.imageSize === "512" ? "0.5K" : ((p.imageSize ?? "1K") as Resolution);
  const ratio = (p.aspectRatio ?? "1:1") as AspectRatio;
  const px = pixelSize(model.family, resolution, ratio) ?? { width: 1024, height: 1024 };
  const prices = GEMINI_TOKEN_PRICES[model.family];
  const promptTokens = Math.ceil(p.prompt.length / 4) + (p.images.length + p.fileUris.length) * prices.inputImageTokens;
  await new Promise((r) => setTimeout(r, ctx.options.latencyMs));
  if (trigger === "fail") {
    return googleError(
      res,
      500,
      "INTERNAL",
      "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting",
    );
  }
  const imageTokens = GEMINI_IMAGE_TOKENS[model.family][resolution] ?? 1290;
  const draws = p.modalities.includes("IMAGE") && !trigger;
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
    costUsd: geminiUsageCost(model.family, usage).usd,
    imageKey: sha256(JSON.stringify(["gemini", modelId, p.prompt, resolution, ratio, p.seed ?? null, p.images.map((i) => sha256(i.data))])),
    title: `${modelId} · ${p.imageSize ?? "1K"} · ${ratio}${p.images.length ? ` · ${p.images.length} ref` : ""}`,
  };
  // Google bills every answered request by its tokens, blocked ones included.
  ctx.state.accept(task);
  // serviceTier appears in real answers of paid projects; a reader must take it in its stride.
  const base = { usageMetadata: usage, modelVersion: modelId, responseId: task.id, serviceTier: "standard" };
  if (trigger === "blocked-prompt") {
    return sendJson(res, 200, { promptFeedback: { blockReason: "PROHIBITED_CONTENT" }, ...base });
  }
  if (trigger === "no-image") {
    // A real refusal shape: no parts at all, not even an empty list.
    return sendJson(res, 200, { candidates: [{ content: {}, finishReason: "NO_IMAGE", index: 0 }], ...base });
  }
  const parts: unknown[] = [];
  if (model.thinks) {
    parts.push({ text: "**Planning the composition**\n\nI am laying out the subject and the light before drawing.", thought: true });
    if (draws) parts.push({ inlineData: { mimeType: "image/jpeg", data: (await thoughtImage(task)).toString("base64") }, thought: true });
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
    if (!model.thinks) parts.push({ text: "Here is the image you asked for." });
    parts.push({
      inlineData: { mimeType: `image/${model.mime}`, data: (await taskImage(task, ctx.state.uploads)).toString("base64") },
      thoughtSignature: sha256(task.id).slice(0, 44),
    });
  }
  sendJson(res, 200, {
    candidates: [{ content: { role: "model", parts }, finishReason, ...(finishMessage ? { finishMessage } : {}), index: 0 }],
    ...base,
  });
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
