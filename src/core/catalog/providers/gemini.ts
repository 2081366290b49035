import { COMMON_RATIOS, GOOGLE_MODEL_IDS, WIDE_RATIOS } from "../models.js";
import type { CapabilityTable } from "../capabilities.js";
import type { ProviderProfile } from "../provider-profile.js";

/**
 * Google's own API. The same model id edits: reference images go inline in the request.
 * The Gemini API has no output-format option, so every format is accepted and the engine
 * converts what the model returns (PNG or JPEG) to the asked format.
 */
export const GEMINI_CAPABILITIES: CapabilityTable = {
  "nano-banana": {
    id: GOOGLE_MODEL_IDS["nano-banana"],
    editId: GOOGLE_MODEL_IDS["nano-banana"],
    resolutions: ["1K"],
    ratios: [...COMMON_RATIOS],
    formats: ["png", "jpeg", "webp"],
    seed: true,
    webSearch: false,
    maxReferences: 14,
  },
  "nano-banana-2": {
    id: GOOGLE_MODEL_IDS["nano-banana-2"],
    editId: GOOGLE_MODEL_IDS["nano-banana-2"],
    resolutions: ["0.5K", "1K", "2K", "4K"],
    ratios: [...COMMON_RATIOS, ...WIDE_RATIOS],
    formats: ["png", "jpeg", "webp"],
    seed: true,
    webSearch: true,
    maxReferences: 14,
  },
  "nano-banana-pro": {
    id: GOOGLE_MODEL_IDS["nano-banana-pro"],
    editId: GOOGLE_MODEL_IDS["nano-banana-pro"],
    resolutions: ["1K", "2K", "4K"],
    ratios: [...COMMON_RATIOS],
    formats: ["png", "jpeg", "webp"],
    seed: true,
    webSearch: true,
    maxReferences: 14,
  },
};

export const GEMINI_PROFILE: ProviderProfile = {
  name: "gemini",
  defaultBaseUrl: "https://generativelanguage.googleapis.com",
  defaultApiKeyEnv: "GEMINI_API_KEY",
  capabilities: GEMINI_CAPABILITIES,
  // Reference images travel inline as base64 (a request may carry up to 20 MB in all).
  references: { input: "inline", maxBytes: 20 * 1024 * 1024 },
};
