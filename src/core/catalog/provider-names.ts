/** The image APIs nanobanana speaks. */
export const PROVIDER_NAMES = ["apidot", "gemini", "fal", "revid"] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];
