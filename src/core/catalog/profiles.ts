import { APIDOT_PROFILE } from "./providers/apidot.js";
import { FAL_PROFILE } from "./providers/fal.js";
import { GEMINI_PROFILE } from "./providers/gemini.js";
import { REVID_PROFILE } from "./providers/revid.js";
import type { ProviderName } from "./provider-names.js";
import type { ProviderProfile } from "./provider-profile.js";

/** Every provider's static profile, by config name (the planner's view of providers). */
export const PROFILES: Record<ProviderName, ProviderProfile> = {
  apidot: APIDOT_PROFILE,
  gemini: GEMINI_PROFILE,
  fal: FAL_PROFILE,
  revid: REVID_PROFILE,
};
