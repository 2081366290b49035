import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type Simulator } from "../../../src/simulator/server.js";
import { makeProject, runCli, until, writeManifest } from "./helpers.js";

describe("spec changed while tasks were in flight", () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ latencyMs: 1500 });
  });
  afterAll(() => sim.close());

  it("collects the old tasks into the store; reverting the change then costs nothing", async () => {
    const dir = makeProject({ count: 4 });
    const env = { NANOBANANA_SIMULATOR_URL: sim.url };
    const first = runCli(["build", "-C", dir], env);
    await until(() => (first.stderr().match(/submitted tile/g) ?? []).length >= 4);
    first.proc.kill("SIGKILL");
    await first.exit;
    expect(sim.ledger()).toHaveLength(4);

    writeManifest(dir, "assets.yaml", 4, "Edited tile");
    const edited = runCli(["build", "-C", dir, "--json"], env);
    expect(await edited.exit).toBe(0);
    const out = JSON.parse(edited.stdout());
    expect(out.generated).toBe(4);
    expect(out.warnings.filter((w: string) => /into \.nanobanana\/store/.test(w))).toHaveLength(4);
    expect(sim.ledger()).toHaveLength(8);

    writeManifest(dir, "assets.yaml", 4, "Test tile");
    const reverted = runCli(["build", "-C", dir, "--json"], env);
    expect(await reverted.exit).toBe(0);
    const back = JSON.parse(reverted.stdout());
    expect(back.generated).toBe(4);
    expect(back.costUsd).toBe(0);
    expect(sim.ledger()).toHaveLength(8); // the first 4 tasks were paid once, and kept
    const lock = JSON.parse(readFileSync(path.join(dir, "nanobanana.lock"), "utf8"));
    expect(new Set(Object.values(lock.assets).map((e) => (e as { taskId: string }).taskId))).toEqual(
      new Set(
        sim
          .ledger()
          .slice(0, 4)
          .map((c) => c.taskId),
      ),
    );
  }, 60_000);
});
