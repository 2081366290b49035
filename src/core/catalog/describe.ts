import type { ProviderName } from "./provider-names.js";

/** The text model a provider describes images with (`alt: auto`), and its listed price per description. */
export interface DescribeModel {
  modelId: string;
  /** USD per description: one image in (~260 tokens), one sentence out (November 2026 list prices, rounded up). */
  usd: number;
}

/** Providers with a text model; the others cannot take `alt: auto`. */
export const DESCRIBE_MODELS: Partial<Record<ProviderName, DescribeModel>> = {
  gemini: { modelId: "gemini-2.5-flash", usd: 0.0004 },
};

/** What the text model is asked. */
export const DESCRIBE_PROMPT =
  "Write the alt text of this image for a web page: one plain sentence of at most 125 characters saying what it shows, for someone who cannot see it. Do not start with 'Image of' or 'Picture of'. Answer with the sentence only.";
