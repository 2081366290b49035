import { COMMON_RATIOS, WIDE_RATIOS } from "../models.js";
import type { CapabilityTable } from "../capabilities.js";
import type { ProviderProfile } from "../provider-profile.js";

/**
 * fal.ai's queue endpoints. nano-banana has no resolution field (1K only) and no `auto`
 * ratio; the edit endpoints take `image_urls`. fal does not document a reference limit:
 * Google's 14 is used.
 */
export const FAL_CAPABILITIES: CapabilityTable = {
  "nano-banana": {
    id: "fal-ai/nano-banana",
    editId: "fal-ai/nano-banana/edit",
    resolutions: ["1K"],
    ratios: [...COMMON_RATIOS],
    formats: ["jpeg", "png", "webp"],
    seed: true,
    webSearch: false,
    maxReferences: 14,
  },
  "nano-banana-2": {
    id: "fal-ai/nano-banana-2",
    editId: "fal-ai/nano-banana-2/edit",
    resolutions: ["0.5K", "1K", "2K", "4K"],
    ratios: [...COMMON_RATIOS, ...WIDE_RATIOS],
    formats: ["jpeg", "png", "webp"],
    seed: true,
    webSearch: true,
    maxReferences: 14,
  },
  "nano-banana-pro": {
    id: "fal-ai/nano-banana-pro",
    editId: "fal-ai/nano-banana-pro/edit",
    resolutions: ["1K", "2K", "4K"],
    ratios: [...COMMON_RATIOS],
    formats: ["jpeg", "png", "webp"],
    seed: true,
    webSearch: true,
    maxReferences: 14,
  },
};

export const FAL_PROFILE: ProviderProfile = {
  name: "fal",
  defaultBaseUrl: "https://queue.fal.run",
  defaultApiKeyEnv: "FAL_KEY",
  capabilities: FAL_CAPABILITIES,
};
