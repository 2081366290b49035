import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseLock } from "../../../src/core/lock/parse.js";
import { startSimulator, type Simulator } from "../../../src/simulator/server.js";
import { makeProject, runCli } from "./helpers.js";

const ASSETS = 60;
const KILLS = 20;

describe("SIGKILL at random instants, then rerun", () => {
  let sim: Simulator;
  beforeAll(async () => {
    // A standalone simulator (its tasks outlive each killed build, like a real provider's).
    // It honours Idempotency-Key (opt-in, see README): that is what closes the last window,
    // between the provider accepting a submit and its answer reaching the build.
    sim = await startSimulator({ latencyMs: 1500, idempotency: true });
  });
  afterAll(() => sim.close());

  it(`${KILLS} kills of a ${ASSETS}-asset build: every asset built, exactly ${ASSETS} charges, lockfile always parses`, async () => {
    const dir = makeProject({ count: ASSETS });
    const env = { NANOBANANA_SIMULATOR_URL: sim.url };
    const lockfile = path.join(dir, "nanobanana.lock");
    const delays: number[] = [];
    for (let k = 0; k < KILLS; k++) {
      const child = runCli(["build", "-C", dir], env);
      const delay = 100 + Math.floor(Math.random() * 1400);
      delays.push(delay);
      await new Promise((r) => setTimeout(r, delay));
      child.proc.kill("SIGKILL");
      await child.exit;
      if (existsSync(lockfile))
        expect(() => parseLock(readFileSync(lockfile, "utf8"), "nanobanana.lock"), `after kill ${k + 1} at ${delay} ms`).not.toThrow();
      expect(sim.ledger().length, `charges after kill ${k + 1}`).toBeLessThanOrEqual(ASSETS);
    }
    const final = runCli(["build", "-C", dir, "--json"], env);
    const code = await final.exit;
    expect(code, final.stderr()).toBe(0);
    const lock = parseLock(readFileSync(lockfile, "utf8"), "nanobanana.lock");
    expect(Object.keys(lock.assets)).toHaveLength(ASSETS);
    for (const e of Object.values(lock.assets)) {
      expect(e.simulated).toBe(true);
      expect(readFileSync(path.join(dir, e.output)).length).toBe(e.bytes);
    }
    const charged = sim.ledger().map((c) => c.taskId);
    expect(charged).toHaveLength(ASSETS);
    expect(new Set(Object.values(lock.assets).map((e) => e.taskId))).toEqual(new Set(charged));
    // Nothing left to collect, and a rerun does nothing.
    expect(
      existsSync(path.join(dir, ".nanobanana/tasks"))
        ? readdirSync(path.join(dir, ".nanobanana/tasks")).filter((f) => f.endsWith(".json"))
        : [],
    ).toEqual([]);
    const again = runCli(["build", "-C", dir, "--json"], env);
    expect(await again.exit).toBe(0);
    expect(JSON.parse(again.stdout()).generated).toBe(0);
    expect(sim.ledger()).toHaveLength(ASSETS);
  }, 180_000);
});
