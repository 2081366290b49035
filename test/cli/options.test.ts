import { existsSync } from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { COMMANDS } from "../../src/cli/command-table.js";
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
const manifest = `assets:\n  - name: "card-{{n}}"\n    prompt: "Card number {{n}}"\n    matrix: { n: [1, 2] }\n`;

describe("each command takes exactly its own options", () => {
  it("build --dry-run means plan: prints the plan, charges nothing, writes nothing", async () => {
    dir = tempProject({ "nanobanana.config.yaml": simConfig(), "assets/a.yaml": manifest });
    const env = { NANOBANANA_SIMULATOR_URL: sim.url };
    const r = await runCli(["build", "--dry-run", "-C", dir], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/2 new, 0 changed, .*estimated \$0\.10 with apidot/);
    expect(sim.ledger()).toEqual([]);
    expect(existsSync(path.join(dir, "nanobanana.lock"))).toBe(false);
    expect(existsSync(path.join(dir, "generated"))).toBe(false);
    const json = JSON.parse((await runCli(["build", "--dry-run", "--json", "-C", dir], env)).stdout);
    expect(json).toMatchObject({ estimatedUsd: 0.1, counts: { new: 2 } });
    expect(sim.ledger()).toEqual([]);
  });

  it("an option another command takes is a usage error that says whose it is", async () => {
    const r = await runCli(["plan", "--max-cost", "1"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: nanobanana plan does not take --max-cost \(--max-cost belongs to build\)$/m);
    expect(r.stderr).toMatch(/nanobanana plan takes: -C\/--cwd DIR, --config FILE, --only GLOB, --simulate, --verify, --json/);
    expect(sim.ledger()).toEqual([]);
  });

  it("a misspelt option suggests the nearest, in text and in JSON", async () => {
    const r = await runCli(["build", "--dry-runn"]);
    expect([r.code, r.stderr]).toEqual([2, expect.stringMatching(/does not take --dry-runn \(did you mean --dry-run\?\)/)]);
    const j = await runCli(["status", "--jsn", "--json"]);
    expect(j.code).toBe(2);
    expect(JSON.parse(j.stdout).error.message).toMatch(/nanobanana status does not take --jsn \(did you mean --json\?\)/);
    const gc = await runCli(["gc", "--fit-budget"]);
    expect([gc.code, gc.stderr]).toEqual([2, expect.stringMatching(/gc does not take --fit-budget \(--fit-budget belongs to build\)/)]);
    const cmd = await runCli(["biuld"]);
    expect([cmd.code, cmd.stderr]).toEqual([2, expect.stringMatching(/unknown command "biuld" \(did you mean build\?\)/)]);
  });

  it("options before the command still parse; a value of the wrong shape names the flag", async () => {
    dir = tempProject({ "nanobanana.config.yaml": simConfig(), "assets/a.yaml": manifest });
    const r = await runCli(["-C", dir, "plan", "--json"]);
    expect([r.code, JSON.parse(r.stdout).counts.new]).toEqual([0, 2]);
    expect((await runCli(["build", "--max-cost", "abc"])).stderr).toMatch(/--max-cost takes an amount in USD/);
    expect((await runCli(["simulator", "--port", "-1"])).code).toBe(2);
  });

  it("every command has --help listing exactly its options; help CMD is the same", async () => {
    for (const c of COMMANDS) {
      const r = await runCli([c.name, "--help"]);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`Usage: nanobanana ${c.name}`);
      for (const name of Object.keys(c.options)) expect(r.stdout).toContain(`--${name}`);
      expect((await runCli(["help", c.name])).stdout).toBe(r.stdout);
    }
    const top = await runCli(["--help"]);
    for (const c of COMMANDS) expect(top.stdout).toMatch(new RegExp(`^  ${c.name}\\b`, "m"));
  });
});
