import { existsSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { build } from "../../../src/engine/build/build.js";
import { BudgetExceededError } from "../../../src/engine/build/budget.js";
import { loadProject } from "../../../src/engine/load/load.js";
import { startSimulator, type Simulator } from "../../../src/simulator/server.js";
import { makeProject, runMain } from "./helpers.js";

const total = (sim: Simulator) => Math.round(sim.ledger().reduce((s, c) => s + c.costUsd, 0) * 1e6) / 1e6;

describe("cost control", () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ latencyMs: 50 });
  });
  afterAll(() => sim.close());

  it("refuses before submitting anything when the estimate is over --max-cost, with the estimate by model and resolution", async () => {
    const dir = makeProject({ count: 10 });
    const before = sim.ledger().length;
    const r = await runMain(["build", "-C", dir, "--max-cost", "0.30"], { NANOBANANA_SIMULATOR_URL: sim.url });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/nano-banana-2 0\.5K\s+10 × ≈\s+\$0\.035 =\s+\$0\.35/);
    expect(r.stderr).toContain("over the budget of $0.30");
    expect(sim.ledger().length).toBe(before);
    expect(existsSync(path.join(dir, "nanobanana.lock"))).toBe(false);
  });

  it("refuses on budget.maxUsd from the config too", async () => {
    const dir = makeProject({ count: 3, config: "budget: { maxUsd: 0.05 }\n" });
    const project = loadProject({ cwd: dir });
    await expect(build(project, { simulatorUrl: sim.url })).rejects.toBeInstanceOf(BudgetExceededError);
  });

  it("never lets spent + in flight pass the cap (ledger total ≤ cap)", async () => {
    const dir = makeProject({ count: 10 });
    sim.state.reset();
    const project = loadProject({ cwd: dir });
    // 10 × $0.035 = $0.35 estimated; fit what $0.12 allows, with 8 in flight at once.
    const r = await build(project, { simulatorUrl: sim.url, maxCostUsd: 0.12, fitBudget: true, concurrency: 8 });
    expect(total(sim)).toBeLessThanOrEqual(0.12);
    expect(sim.ledger()).toHaveLength(3);
    expect(r.generated).toBe(3);
    expect(r.assets.filter((a) => a.status === "skipped" && /budget/.test(a.error ?? ""))).toHaveLength(7);
    // The next build with room left finishes the rest and pays only for those.
    const r2 = await build(project, { simulatorUrl: sim.url, maxCostUsd: 1 });
    expect(r2.generated).toBe(7);
    expect(sim.ledger()).toHaveLength(10);
  });

  it("does not count tasks it will resume or restore against the cap", async () => {
    const dir = makeProject({ count: 2 });
    const project = loadProject({ cwd: dir });
    await build(project, { simulatorUrl: sim.url });
    const n = sim.ledger().length;
    const edited = makeProject({ count: 2, prefix: "Other", dir });
    const p2 = loadProject({ cwd: edited });
    await build(p2, { simulatorUrl: sim.url });
    // Back to the first prompts: restored from the store, so even a tiny cap passes.
    const back = makeProject({ count: 2, dir });
    const r = await build(loadProject({ cwd: back }), { simulatorUrl: sim.url, maxCostUsd: 0.01 });
    expect(r.generated).toBe(2);
    expect(r.assets.every((a) => a.restored)).toBe(true);
    expect(sim.ledger().length).toBe(n + 2);
  });
});
