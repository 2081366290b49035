import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type Simulator, startSimulator } from "../../src/simulator/server.js";
import { runCli } from "../helpers/cli.js";
import { removeProject, simConfig, tempProject } from "../helpers/project.js";

let dir = "";
let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ latencyMs: 5 });
});
afterAll(() => sim.close());
afterEach(() => removeProject(dir));
const manifest = `assets:\n  - name: "card-{{n}}"\n    prompt: "Card number {{n}}"\n    matrix: { n: [1, 2, 3, 4, 5] }\n`;

describe("build --fit-budget", () => {
  it("reports what it skipped as skipped, one line each, not as failed; exit 0", async () => {
    dir = tempProject({ "nanobanana.config.yaml": simConfig(), "assets/a.yaml": manifest });
    sim.state.reset();
    const env = { NANOBANANA_SIMULATOR_URL: sim.url };
    const r = await runCli(["build", "-C", dir, "--max-cost", "0.12", "--fit-budget", "--concurrency", "1"], env);
    expect(r.code).toBe(0);
    expect(sim.ledger()).toHaveLength(2);
    const skippedLines = r.stderr.match(/^– card-\d skipped: budget: .*would pass the cap of \$0\.12$/gm) ?? [];
    expect(skippedLines).toHaveLength(3);
    expect(r.stderr).toMatch(/^2 generated, 0 up to date, 3 skipped; spent \$0\.10/m);
    expect(r.stderr).not.toMatch(/failed/);

    removeProject(dir);
    dir = tempProject({ "nanobanana.config.yaml": simConfig(), "assets/a.yaml": manifest });
    const j = await runCli(["build", "-C", dir, "--json", "--max-cost", "0.12", "--fit-budget", "--concurrency", "1"], env);
    expect(j.code).toBe(0);
    const out = JSON.parse(j.stdout);
    expect(out).toMatchObject({ generated: 2, failed: 0, skipped: 3 });
    expect(out.assets.filter((a: { status: string }) => a.status === "skipped")).toHaveLength(3);
    expect(sim.ledger()).toHaveLength(4);
  });
});
