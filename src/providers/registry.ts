import { apidot } from "./apidot/adapter.js";
import type { ProviderName } from "./names.js";
import type { ProviderDefinition } from "./types.js";

/** Every provider nanobanana can build with, by config name. */
export const PROVIDERS: Partial<Record<ProviderName, ProviderDefinition>> = {
  apidot,
};

export function providerDefinition(name: ProviderName): ProviderDefinition | undefined {
  return PROVIDERS[name];
}
