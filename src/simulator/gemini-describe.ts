import sharp from "sharp";
import { DESCRIBE_MODELS } from "../core/catalog/describe.js";
import { sha256 } from "../core/hash.js";
import type { SimContext } from "./context.js";
import type { ParsedGeminiRequest } from "./gemini-request.js";

/** Text models the simulated Gemini API serves (what `alt: auto` asks), by model id. */
export const GEMINI_TEXT_MODELS = new Set(Object.values(DESCRIBE_MODELS).map((m) => m.modelId));

/**
 * A text model's answer to "describe this image": its size and main colour, read from the
 * inline image with sharp (deterministic), charged at the catalog's price like a real request.
 */
export async function describeAnswer(ctx: SimContext, modelId: string, p: ParsedGeminiRequest): Promise<Record<string, unknown>> {
  const img = p.images[0];
  let text = "I need an image to describe.";
  if (img) {
    const data = Buffer.from(img.data, "base64");
    const [meta, stats] = await Promise.all([sharp(data).metadata(), sharp(data).stats()]);
    const hex = `#${[stats.dominant.r, stats.dominant.g, stats.dominant.b].map((v) => v.toString(16).padStart(2, "0")).join("")}`;
    text = `A ${meta.width}×${meta.height} card in ${hex} tones with lines of text (simulated description ${sha256(img.data).slice(0, 8)}).`;
  }
  const usd = Object.values(DESCRIBE_MODELS).find((m) => m.modelId === modelId)?.usd ?? 0;
  const now = ctx.now();
  const id = ctx.state.newId("gd_");
  ctx.state.accept({
    id,
    provider: "gemini",
    modelId,
    prompt: p.prompt,
    width: 0,
    height: 0,
    format: "png",
    createdAt: now,
    readyAt: now,
    costUsd: usd,
    imageKey: id,
    title: "description",
  });
  const usageMetadata = { promptTokenCount: 258 + Math.ceil(p.prompt.length / 4), candidatesTokenCount: 24, totalTokenCount: 282 };
  return {
    candidates: [{ content: { role: "model", parts: [{ text }] }, finishReason: "STOP", index: 0 }],
    usageMetadata,
    modelVersion: modelId,
    responseId: id,
  };
}
