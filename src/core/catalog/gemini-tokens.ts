import type { ModelFamily, Resolution } from "./models.js";
import { round } from "./prices.js";

/** Gemini's per-million-token prices for one model (USD). */
export interface GeminiTokenPrices {
  input: number;
  /** Output tokens of IMAGE modality. */
  imageOutput: number;
  /** Output text and thinking tokens. */
  textOutput: number;
  /** Prompt tokens one input image counts as. */
  inputImageTokens: number;
}

/**
 * Token prices (November 2026, ../shared/providers.md). The 3.1 flash input and text-output
 * prices are not in the reference and are set like Gemini 3 Flash's ($0.50 / $3.00).
 */
export const GEMINI_TOKEN_PRICES: Record<ModelFamily, GeminiTokenPrices> = {
  "nano-banana": { input: 0.3, imageOutput: 30, textOutput: 2.5, inputImageTokens: 258 },
  "nano-banana-2": { input: 0.5, imageOutput: 60, textOutput: 3, inputImageTokens: 560 },
  "nano-banana-pro": { input: 2, imageOutput: 120, textOutput: 12, inputImageTokens: 560 },
};

/** Output tokens one image costs, by model and resolution (Google's tables). */
export const GEMINI_IMAGE_TOKENS: Record<ModelFamily, Partial<Record<Resolution, number>>> = {
  "nano-banana": { "1K": 1290 },
  "nano-banana-2": { "0.5K": 747, "1K": 1120, "2K": 1680, "4K": 2520 },
  "nano-banana-pro": { "1K": 1120, "2K": 1120, "4K": 2000 },
};

/** The token counts of `usageMetadata` that cost money. */
export interface GeminiUsage {
  promptTokenCount?: number;
  candidatesTokenCount?: number;
  thoughtsTokenCount?: number;
  candidatesTokensDetails?: { modality?: string; tokenCount?: number }[];
}

/**
 * What a response cost: prompt tokens at the input price, IMAGE output tokens at the image
 * price, every other output token (text, thoughts) at the text price.
 */
export function geminiUsageCost(model: ModelFamily, usage: GeminiUsage): { usd: number; tokens: number } {
  const p = GEMINI_TOKEN_PRICES[model];
  const prompt = usage.promptTokenCount ?? 0;
  const candidates = usage.candidatesTokenCount ?? 0;
  const thoughts = usage.thoughtsTokenCount ?? 0;
  const image = (usage.candidatesTokensDetails ?? []).filter((d) => d.modality === "IMAGE").reduce((s, d) => s + (d.tokenCount ?? 0), 0);
  const text = Math.max(0, candidates - image) + thoughts;
  const usd = (prompt * p.input + image * p.imageOutput + text * p.textOutput) / 1e6;
  return { usd: round(usd), tokens: prompt + candidates + thoughts };
}
