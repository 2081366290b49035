import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Simulator, startSimulator } from "../../src/simulator/server.js";
import { runCli } from "../helpers/cli.js";
import { removeProject, simConfig, tempProject } from "../helpers/project.js";

let dir = "";
let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ latencyMs: 5 });
});
afterAll(() => sim.close());
beforeEach(() => sim.state.reset());
afterEach(() => removeProject(dir));
const env = () => ({ NANOBANANA_SIMULATOR_URL: sim.url });
const manifest = `assets:\n  - name: "card-{{n}}"\n    prompt: "Card number {{n}}"\n    matrix: { n: [1, 2, 3] }\n`;
const project = () => tempProject({ "nanobanana.config.yaml": simConfig(), "assets/a.yaml": manifest });
const edit = (file: string, from: string, to: string) => {
  const f = path.join(dir, file);
  writeFileSync(f, readFileSync(f, "utf8").replace(from, to));
};

describe("plan --out, then build --plan", () => {
  it("saves the specs to generate with their estimate, and builds exactly those", async () => {
    dir = project();
    const p = await runCli(["plan", "-C", dir, "--out", "plan.json"], env());
    expect(p.code).toBe(0);
    expect(p.stderr).toMatch(/saved the plan to .*plan\.json: 3 assets to generate, estimated \$0\.15/);
    const saved = JSON.parse(readFileSync(path.join(dir, "plan.json"), "utf8"));
    expect(saved).toMatchObject({ nanobananaPlan: 1, provider: "apidot", simulate: true, only: [], estimatedUsd: 0.15 });
    expect(saved.assets[0]).toEqual({
      name: "card-1",
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      action: "new",
      provider: "apidot",
      model: "nano-banana-2",
      resolution: "1K",
      estimatedUsd: 0.05,
    });
    expect(sim.ledger()).toEqual([]);
    const b = await runCli(["build", "-C", dir, "--plan", "plan.json", "--json"], env());
    expect(b.code).toBe(0);
    expect(JSON.parse(b.stdout)).toMatchObject({ generated: 3, costUsd: 0.15 });
    expect(sim.ledger()).toHaveLength(3);
  });

  it("a plan made with --only builds only its assets", async () => {
    dir = project();
    await runCli(["plan", "-C", dir, "--only", "card-2", "--out", "plan.json"], env());
    const b = await runCli(["build", "-C", dir, "--plan", "plan.json", "--json"], env());
    expect(JSON.parse(b.stdout).assets.map((a: { name: string }) => a.name)).toEqual(["card-2"]);
    expect(sim.ledger()).toHaveLength(1);
  });

  it("refuses (exit 2, nothing charged) naming what changed: manifest, lockfile, price, provider", async () => {
    dir = project();
    await runCli(["plan", "-C", dir, "--out", "plan.json"], env());
    edit("assets/a.yaml", "Card number", "Card no.");
    const spec = await runCli(["build", "-C", dir, "--plan", "plan.json"], env());
    expect(spec.code).toBe(2);
    expect(spec.stderr).toMatch(/no longer produces this plan[\s\S]*card-1: spec changed since the plan/);
    expect(sim.ledger()).toEqual([]);
    edit("assets/a.yaml", "Card no.", "Card number");

    edit("nanobanana.config.yaml", "provider: apidot", "provider: apidot\nprices: { apidot: { nano-banana-2: { 1K: 0.07 } } }");
    const price = await runCli(["build", "-C", dir, "--plan", "plan.json"], env());
    expect([price.code, price.stderr]).toEqual([2, expect.stringMatching(/card-2: price now \$0\.07, planned \$0\.05/)]);
    edit("nanobanana.config.yaml", "prices: { apidot: { nano-banana-2: { 1K: 0.07 } } }", "");

    edit("nanobanana.config.yaml", "provider: apidot", "provider: fal");
    const provider = await runCli(["build", "-C", dir, "--plan", "plan.json"], env());
    expect([provider.code, provider.stderr]).toEqual([2, expect.stringMatching(/provider: the plan uses apidot, the project now fal/)]);
    edit("nanobanana.config.yaml", "provider: fal", "provider: apidot");
    expect(sim.ledger()).toEqual([]);

    // Someone built card-3 meanwhile: the lockfile no longer produces the plan.
    await runCli(["build", "-C", dir, "--only", "card-3"], env());
    const lock = await runCli(["build", "-C", dir, "--plan", "plan.json"], env());
    expect([lock.code, lock.stderr]).toEqual([2, expect.stringMatching(/card-3: planned, no longer to generate \(up-to-date/)]);
    expect(sim.ledger()).toHaveLength(1);

    // A new asset in the manifests is not in the plan either.
    await runCli(["plan", "-C", dir, "--out", "plan.json"], env());
    edit("assets/a.yaml", "[1, 2, 3]", "[1, 2, 3, 4]");
    const added = await runCli(["build", "-C", dir, "--plan", "plan.json", "--json"], env());
    expect(added.code).toBe(2);
    expect(JSON.parse(added.stdout).error.message).toMatch(/card-4: to generate now \(new\), not in the plan/);
    expect(sim.ledger()).toHaveLength(1);
  });

  it("a missing or foreign plan file is a usage error", async () => {
    dir = project();
    expect((await runCli(["build", "-C", dir, "--plan", "nope.json"])).stderr).toMatch(/nope\.json: no such plan file/);
    writeFileSync(path.join(dir, "x.json"), '{"a": 1}');
    const foreign = await runCli(["build", "-C", dir, "--plan", "x.json"]);
    expect([foreign.code, foreign.stderr]).toEqual([2, expect.stringMatching(/x\.json is not a nanobanana plan file/)]);
    const only = await runCli(["build", "-C", dir, "--plan", "x.json", "--only", "a"]);
    expect([only.code, only.stderr]).toEqual([2, expect.stringMatching(/build --plan takes no --only/)]);
  });
});
