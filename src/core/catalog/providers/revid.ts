import { COMMON_RATIOS } from "../models.js";
import type { CapabilityTable } from "../capabilities.js";
import type { ProviderProfile } from "../provider-profile.js";

/**
 * Revid API: google/nano-banana (1K, edits via `google/nano-banana-edit`) and nano-banana-pro
 * (references in `image_input` on the same id). No nano-banana-2, no webp, no 0.5K,
 * `resolution` on pro only, no seed, no web search, at most 8 references.
 */
export const REVID_CAPABILITIES: CapabilityTable = {
  "nano-banana": {
    id: "google/nano-banana",
    editId: "google/nano-banana-edit",
    resolutions: ["1K"],
    ratios: [...COMMON_RATIOS],
    formats: ["png", "jpeg"],
    seed: false,
    webSearch: false,
    maxReferences: 8,
  },
  "nano-banana-pro": {
    id: "nano-banana-pro",
    editId: "nano-banana-pro",
    resolutions: ["1K", "2K", "4K"],
    ratios: [...COMMON_RATIOS],
    formats: ["png", "jpeg"],
    seed: false,
    webSearch: false,
    maxReferences: 8,
  },
};

export const REVID_PROFILE: ProviderProfile = {
  name: "revid",
  defaultBaseUrl: "https://api.revidapi.com",
  defaultApiKeyEnv: "REVID_API_KEY",
  capabilities: REVID_CAPABILITIES,
  maxPromptChars: 10_000,
};
