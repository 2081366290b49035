import { apidot } from "./apidot/adapter.js";
import { fal } from "./fal/adapter.js";
import { gemini } from "./gemini/adapter.js";
import type { ProviderName } from "../../core/catalog/provider-names.js";
import { revid } from "./revid/adapter.js";
import type { ProviderDefinition } from "./types.js";

/** Every provider nanobanana can build with, by config name. */
export const PROVIDERS: Partial<Record<ProviderName, ProviderDefinition>> = {
  apidot,
  gemini,
  fal,
  revid,
};

export function providerDefinition(name: ProviderName): ProviderDefinition | undefined {
  return PROVIDERS[name];
}
