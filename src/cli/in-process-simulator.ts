import type { Project } from "../core/project.js";

/**
 * The simulator a CLI command starts in its own process when a simulated build has work and
 * no running simulator is named (env NANOBANANA_SIMULATOR_URL or `simulator.url`). Started on
 * first use with the config's latency, faults and seed; its tasks end with the command.
 */
export class InProcessSimulator {
  private started?: Promise<{ url: string; close(): Promise<void> }>;

  /** Passed to build/watch as `simulatorUrl`: starts the simulator the first time it is asked. */
  readonly url = async (project: Project): Promise<string> => {
    this.started ??= (async () => {
      const { startSimulator } = await import("../simulator/server.js");
      const { parseFaults } = await import("../simulator/fault-syntax.js");
      const settings = project.config.simulator;
      const faults = settings?.faults === undefined ? undefined : parseFaults(settings.faults, "simulator.faults in the config");
      return startSimulator({ latencyMs: settings?.latencyMs, batchLatencyMs: settings?.batchLatencyMs, faults, seed: settings?.seed });
    })();
    return (await this.started).url;
  };

  async close(): Promise<void> {
    if (this.started) await (await this.started.catch(() => undefined))?.close();
  }
}
