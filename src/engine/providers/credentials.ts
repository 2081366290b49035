import { UserError } from "../../core/errors/user-error.js";
import type { Project } from "../../core/project.js";
import { PROVIDERS } from "./registry.js";

/**
 * The API key of the project's provider, from the environment variable the config names (or
 * the provider's default). A missing key is a UserError naming the variable. Checked before a
 * build says anything about what it will do.
 */
export function apiKeyFor(project: Project, env: NodeJS.ProcessEnv): string {
  const name = project.config.provider;
  const definition = PROVIDERS[name];
  if (!definition) throw new UserError(`provider ${name} is not available`);
  const keyEnv = project.config.providers[name]?.apiKeyEnv ?? definition.defaultApiKeyEnv;
  const key = env[keyEnv];
  if (!key) {
    throw new UserError(
      `no API key for ${name}: set the environment variable ${keyEnv} (or set simulate: true, or pass --simulate, to build on the built-in simulator)`,
    );
  }
  return key;
}
