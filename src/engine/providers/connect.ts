import { UserError } from "../../core/errors/user-error.js";
import { apiKeyFor } from "./credentials.js";
import { HttpClient } from "../transport/client.js";
import { ConcurrencyGate, RateLimiter } from "../transport/rate-limit.js";
import type { Project } from "../../core/project.js";
import { PROVIDERS } from "./registry.js";
import { ProviderRuntime } from "./runtime.js";
import type { BatchApi } from "./batch-types.js";
import type { ProviderDefinition } from "./types.js";

/**
 * Where a simulated build finds its simulator: a base URL (wins over everything), or a
 * function called only when a build has work and neither env NANOBANANA_SIMULATOR_URL nor
 * `simulator.url` names one (the CLI starts an in-process simulator there). The engine never
 * starts one itself; library users start `startSimulator` from "nanobanana/simulator".
 */
export type SimulatorUrl = string | ((project: Project) => Promise<string>);

/** A provider ready to take requests, and what must be closed afterwards. */
export interface Connection {
  /** The provider behind its runtime (idempotency keys, costs, resumability, scrubbed messages). */
  provider: ProviderRuntime;
  definition: ProviderDefinition;
  http: HttpClient;
  simulated: boolean;
  /** The simulator's base URL on a simulated build (local reference bytes are uploaded to it). */
  simulatorUrl?: string;
  /** Limits tasks running at the provider (providers.<name>.concurrency). */
  gate?: ConcurrencyGate;
  /** The provider's Batch API, where it has one (Gemini). */
  batch?: BatchApi;
  close(): Promise<void>;
}

export interface ConnectOptions {
  /** The simulator of a simulated build (see {@link SimulatorUrl}). */
  simulatorUrl?: SimulatorUrl;
  /** Environment to read keys and base URLs from (default process.env). */
  env?: NodeJS.ProcessEnv;
  http?: HttpClient;
}

/**
 * Connects the project's provider. Simulated builds point the real adapter at a simulator's
 * base URL; real builds read the key from the env var the config names.
 */
export async function connect(project: Project, opts: ConnectOptions = {}): Promise<Connection> {
  const env = opts.env ?? process.env;
  const name = project.config.provider;
  const definition = PROVIDERS[name];
  if (!definition) throw new UserError(`provider ${name} is not available`);
  const settings = project.config.providers[name] ?? {};
  let baseUrl: string;
  let apiKey: string;
  if (project.config.simulate) {
    const given = opts.simulatorUrl;
    const external = env.NANOBANANA_SIMULATOR_URL || project.config.simulator?.url;
    const url = typeof given === "string" ? given : external || (await given?.(project));
    if (!url)
      throw new UserError(
        'simulate is true but no simulator is running: the CLI starts one; from code, start one with startSimulator() from "nanobanana/simulator" and pass its url as simulatorUrl (or set NANOBANANA_SIMULATOR_URL)',
      );
    baseUrl = url.replace(/\/+$/, "");
    apiKey = "simulator-key";
  } else {
    baseUrl = env[`NANOBANANA_${name.toUpperCase()}_BASE_URL`] ?? settings.baseUrl ?? definition.defaultBaseUrl;
    apiKey = apiKeyFor(project, env);
  }
  const http =
    opts.http ??
    new HttpClient({
      timeoutMs: settings.timeoutMs,
      deadlineMs: settings.deadlineMs,
      maxJsonBytes: settings.maxJsonBytes ?? definition.maxJsonBytes,
      maxDownloadBytes: settings.maxDownloadBytes,
      retry: settings.maxRetries !== undefined ? { maxRetries: settings.maxRetries } : undefined,
      limiter: new RateLimiter({ rpm: settings.rpm }),
      secrets: [apiKey],
    });
  const adapter = definition.create({ baseUrl, apiKey, http, settings });
  const provider = new ProviderRuntime(definition, adapter, { prices: project.config.prices, secrets: [apiKey] });
  return {
    provider,
    definition,
    http,
    simulated: project.config.simulate,
    simulatorUrl: project.config.simulate ? baseUrl : undefined,
    gate: settings.concurrency ? new ConcurrencyGate(settings.concurrency) : undefined,
    batch: definition.createBatch?.({ baseUrl, apiKey, http, settings }),
    close: async () => {
      if (!opts.http) await http.close();
    },
  };
}
