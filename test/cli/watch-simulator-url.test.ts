import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Simulator, startSimulator } from "../../src/simulator/server.js";
import { type Child, makeProject, runCli } from "../engine/safety/helpers.js";

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ latencyMs: 5 });
});
afterAll(() => sim.close());

/** Resolves once the child's stderr matches `re`. */
function stderrMatches(child: Child, re: RegExp): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => re.test(child.stderr()) && resolve();
    child.proc.stderr!.on("data", check);
    child.exit.then(() => reject(new Error(`exited before ${re}: ${child.stderr()}`)));
    check();
  });
}

describe("nanobanana watch", () => {
  it("builds on the simulator NANOBANANA_SIMULATOR_URL names, not on one of its own", async () => {
    const dir = makeProject({ count: 2 });
    const child = runCli(["watch", "-C", dir], { NANOBANANA_SIMULATOR_URL: sim.url });
    await stderrMatches(child, /^2 generated, 0 up to date/m);
    // The charges landed in the named simulator's ledger: watch did not start its own.
    expect(sim.ledger()).toHaveLength(2);
    expect(sim.requestCounts()["apidot.submit"]).toBe(2);
    child.proc.kill("SIGINT");
    expect(await child.exit).toBe(0);
  });
});
