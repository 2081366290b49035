/** The provider-neutral model names a manifest uses. */
export const MODEL_FAMILIES = ["nano-banana", "nano-banana-2", "nano-banana-pro"] as const;
export type ModelFamily = (typeof MODEL_FAMILIES)[number];

export const RESOLUTIONS = ["0.5K", "1K", "2K", "4K"] as const;
export type Resolution = (typeof RESOLUTIONS)[number];

/** The ten ratios every model takes. */
export const COMMON_RATIOS = ["1:1", "2:3", "3:2", "3:4", "4:3", "4:5", "5:4", "9:16", "16:9", "21:9"] as const;
/** Extra ratios of nano-banana-2. */
export const WIDE_RATIOS = ["4:1", "1:4", "8:1", "1:8"] as const;
export const ASPECT_RATIOS = [...COMMON_RATIOS, ...WIDE_RATIOS] as const;
export type AspectRatio = (typeof ASPECT_RATIOS)[number];

export const FORMATS = ["png", "jpeg", "webp"] as const;
export type ImageFormat = (typeof FORMATS)[number];

/** Google's GA model id for each family (what the Gemini API calls it today). */
export const GOOGLE_MODEL_IDS: Record<ModelFamily, string> = {
  "nano-banana": "gemini-2.5-flash-image",
  "nano-banana-2": "gemini-3.1-flash-image",
  "nano-banana-pro": "gemini-3-pro-image",
};

/** Retired or preview ids users still paste, with what replaced them. */
export const RETIRED_MODEL_IDS: Record<string, { family: ModelFamily; replacement: string }> = {
  "gemini-2.5-flash-image-preview": { family: "nano-banana", replacement: "gemini-2.5-flash-image" },
  "gemini-3-pro-image-preview": { family: "nano-banana-pro", replacement: "gemini-3-pro-image" },
  "gemini-3.1-flash-image-preview": { family: "nano-banana-2", replacement: "gemini-3.1-flash-image" },
};

/** Google model ids a user may write instead of the family name. */
export const MODEL_ALIASES: Record<string, ModelFamily> = Object.fromEntries(
  Object.entries(GOOGLE_MODEL_IDS).map(([family, id]) => [id, family as ModelFamily]),
);

/** File extension for an output format. */
export function extensionOf(format: ImageFormat): string {
  return format === "jpeg" ? "jpg" : format;
}

/** MIME type for an output format. */
export function mimeOf(format: ImageFormat): string {
  return `image/${format}`;
}
