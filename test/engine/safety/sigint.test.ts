import { readdirSync, existsSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type Simulator } from "../../../src/simulator/server.js";
import { makeProject, runCli, until } from "./helpers.js";

const journalled = (dir: string) => {
  const d = path.join(dir, ".nanobanana", "tasks");
  return existsSync(d) ? readdirSync(d).filter((f) => f.endsWith(".json")).length : 0;
};

describe("Ctrl-C", () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ latencyMs: 2500 });
  });
  afterAll(() => sim.close());

  it("stops submitting, says how many tasks were left running, and the next build collects them without paying again", async () => {
    const dir = makeProject({ count: 20 });
    const env = { NANOBANANA_SIMULATOR_URL: sim.url };
    sim.state.reset();
    const child = runCli(["build", "-C", dir, "--concurrency", "4"], env);
    await until(() => (child.stderr().match(/submitted tile/g) ?? []).length >= 4);
    child.proc.kill("SIGINT");
    expect(await child.exit).toBe(130);
    const left = Number(/interrupted: (\d+) tasks? left running/.exec(child.stderr())?.[1]);
    expect(left).toBe(4);
    expect(child.stderr()).toContain("the next build collects them");
    expect(sim.ledger()).toHaveLength(4); // nothing submitted after Ctrl-C
    expect(journalled(dir)).toBe(4);

    const rerun = runCli(["build", "-C", dir, "--json"], env);
    expect(await rerun.exit).toBe(0);
    expect(JSON.parse(rerun.stdout()).generated).toBe(20);
    expect(sim.ledger()).toHaveLength(20); // the 4 were collected, not paid again
    expect(journalled(dir)).toBe(0);
  }, 60_000);

  it("a second Ctrl-C exits at once, and every task already recorded is still collected", async () => {
    const dir = makeProject({ count: 8 });
    const env = { NANOBANANA_SIMULATOR_URL: sim.url };
    sim.state.reset();
    const child = runCli(["build", "-C", dir, "--concurrency", "8"], env);
    await until(() => (child.stderr().match(/submitted tile/g) ?? []).length >= 8);
    child.proc.kill("SIGINT");
    await until(() => /Ctrl-C again/.test(child.stderr()));
    child.proc.kill("SIGINT");
    // 130 from our handler, or death by SIGINT if the first one had already finished the build.
    expect([130, null]).toContain(await child.exit);
    expect(journalled(dir)).toBe(8);
    const rerun = runCli(["build", "-C", dir, "--json"], env);
    expect(await rerun.exit).toBe(0);
    expect(sim.ledger()).toHaveLength(8);
  }, 60_000);
});
