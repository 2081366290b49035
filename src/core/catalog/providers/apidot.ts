import { COMMON_RATIOS, WIDE_RATIOS } from "../models.js";
import type { CapabilityTable } from "../capabilities.js";
import type { ProviderProfile } from "../provider-profile.js";

/** APIDot serves nano-banana-2 and nano-banana-pro (not the original nano-banana). */
export const APIDOT_CAPABILITIES: CapabilityTable = {
  "nano-banana-2": {
    id: "nano-banana-2",
    editId: "nano-banana-2-edit",
    resolutions: ["0.5K", "1K", "2K", "4K"],
    ratios: [...COMMON_RATIOS, ...WIDE_RATIOS],
    formats: ["png", "jpeg", "webp"],
    seed: true,
    webSearch: true,
    maxReferences: 14,
  },
  "nano-banana-pro": {
    id: "nano-banana-pro",
    editId: "nano-banana-pro-edit",
    resolutions: ["1K", "2K", "4K"],
    ratios: [...COMMON_RATIOS],
    formats: ["png", "jpeg"],
    seed: false,
    webSearch: true,
    maxReferences: 14,
  },
};

export const APIDOT_PROFILE: ProviderProfile = {
  name: "apidot",
  defaultBaseUrl: "https://api.apidot.ai",
  defaultApiKeyEnv: "APIDOT_API_KEY",
  capabilities: APIDOT_CAPABILITIES,
};
