import { UserError } from "../../core/errors/user-error.js";
import { apiKeyFor } from "./credentials.js";
import { HttpClient } from "../transport/client.js";
import { ConcurrencyGate, RateLimiter } from "../transport/rate-limit.js";
import type { Project } from "../../core/project.js";
import { PROVIDERS } from "./registry.js";
import type { ImageProvider, ProviderDefinition } from "./types.js";
import { parseFaults } from "../../simulator/fault-syntax.js";
import { startSimulator, type Simulator } from "../../simulator/server.js";

/** A provider ready to take requests, and what must be closed afterwards. */
export interface Connection {
  provider: ImageProvider;
  definition: ProviderDefinition;
  http: HttpClient;
  /** The in-process simulator, when the build is simulated (none with an external simulator URL). */
  simulator?: Simulator;
  simulated: boolean;
  /** Limits tasks running at the provider (providers.<name>.concurrency). */
  gate?: ConcurrencyGate;
  close(): Promise<void>;
}

export interface ConnectOptions {
  /** Use this simulator instead of starting one (tests, `nanobanana simulator`). */
  simulator?: Simulator;
  /** Environment to read keys and base URLs from (default process.env). */
  env?: NodeJS.ProcessEnv;
  http?: HttpClient;
}

/**
 * Connects the project's provider. Simulated builds start the built-in simulator and point
 * the real adapter at it (or use the running one at `simulator.url` / NANOBANANA_SIMULATOR_URL);
 * real builds read the key from the env var the config names.
 */
export async function connect(project: Project, opts: ConnectOptions = {}): Promise<Connection> {
  const env = opts.env ?? process.env;
  const name = project.config.provider;
  const definition = PROVIDERS[name];
  if (!definition) throw new UserError(`provider ${name} is not available`);
  const settings = project.config.providers[name] ?? {};
  const limiter = new RateLimiter({ rpm: settings.rpm });
  const http =
    opts.http ??
    new HttpClient({
      timeoutMs: settings.timeoutMs,
      retry: settings.maxRetries !== undefined ? { maxRetries: settings.maxRetries } : undefined,
      limiter,
    });
  let simulator: Simulator | undefined;
  let baseUrl: string;
  let apiKey: string;
  if (project.config.simulate) {
    const external = env.NANOBANANA_SIMULATOR_URL || project.config.simulator?.url;
    if (opts.simulator || !external) {
      simulator =
        opts.simulator ??
        (await startSimulator({
          latencyMs: project.config.simulator?.latencyMs,
          faults: simulatorFaults(project),
          seed: project.config.simulator?.seed,
        }));
    }
    baseUrl = simulator?.url ?? external!.replace(/\/+$/, "");
    apiKey = "simulator-key";
  } else {
    baseUrl = env[`NANOBANANA_${name.toUpperCase()}_BASE_URL`] ?? settings.baseUrl ?? definition.defaultBaseUrl;
    apiKey = apiKeyFor(project, env);
  }
  const provider = definition.create({ baseUrl, apiKey, http, settings, prices: project.config.prices });
  const ownSim = simulator && simulator !== opts.simulator;
  return {
    provider,
    definition,
    http,
    simulator,
    simulated: project.config.simulate,
    gate: settings.concurrency ? new ConcurrencyGate(settings.concurrency) : undefined,
    close: async () => {
      if (!opts.http) await http.close();
      if (ownSim) await simulator!.close();
    },
  };
}

function simulatorFaults(project: Project) {
  const text = project.config.simulator?.faults;
  return text === undefined ? undefined : parseFaults(text, "simulator.faults in the config");
}
