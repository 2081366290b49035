import type { ReferencePolicy } from "../references/policy.js";
import type { CapabilityTable } from "./capabilities.js";
import type { ProviderName } from "./provider-names.js";

/**
 * What is known about a provider without talking to it: where it lives, which env var holds
 * its key, what it accepts (the capability table the planner asks) and how references reach it.
 * The engine's provider definition adds how to connect.
 */
export interface ProviderProfile {
  name: ProviderName;
  defaultBaseUrl: string;
  defaultApiKeyEnv: string;
  capabilities: CapabilityTable;
  /** Longest prompt it takes, in characters (checked at plan time); absent when it documents none. */
  maxPromptChars?: number;
  /** How reference images reach it (default: https URLs only, jpeg/png/webp up to 30 MB). */
  references?: Partial<ReferencePolicy>;
}
