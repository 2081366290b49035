import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { build } from "../../../src/engine/build/build.js";
import type { BuildEvent } from "../../../src/engine/build/events.js";
import { loadProject } from "../../../src/engine/load/load.js";
import { startSimulator, type Simulator } from "../../../src/simulator/server.js";
import { BAD_KEY, SECRET, projectOn } from "./helpers.js";

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ latencyMs: 10 });
});
afterAll(() => sim.close());

/** Every file under `dir`, as text. */
function allText(dir: string): string {
  let out = "";
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    out += statSync(p).isDirectory() ? allText(p) : readFileSync(p, "latin1");
  }
  return out;
}

const MANIFEST =
  "assets:\n  - { name: a, prompt: 'A banana', model: nano-banana-pro }\n  - { name: b, prompt: 'A banana [[blocked]]', model: nano-banana-pro }\n  - { name: c, prompt: 'A banana [[fail]]', model: nano-banana-pro }\n";

for (const provider of ["gemini", "fal", "revid"]) {
  test(`${provider}: the API key appears in no event, result, error, lockfile or state file`, async () => {
    const seen: string[] = [];
    for (const key of [SECRET, BAD_KEY]) {
      const { root, env } = projectOn(provider, sim, MANIFEST);
      env.TEST_PROVIDER_KEY = key;
      const events: BuildEvent[] = [];
      const result = await build(loadProject({ cwd: root }), { env, onEvent: (e) => events.push(e) });
      if (key === BAD_KEY) expect(result.generated, "a rejected key generates nothing").toBe(0);
      else expect(result.generated).toBe(1);
      seen.push(JSON.stringify(events), JSON.stringify(result), allText(root));
    }
    // And a provider that cannot be reached at all.
    const { root, env } = projectOn(provider, sim, MANIFEST);
    const cfg = path.join(root, "nanobanana.config.yaml");
    const text = readFileSync(cfg, "utf8").replace(sim.url, "http://127.0.0.1:9");
    (await import("node:fs")).writeFileSync(cfg, text);
    const offline = await build(loadProject({ cwd: root }), { env });
    expect(offline.failed).toBe(3);
    seen.push(JSON.stringify(offline));
    for (const s of seen) {
      expect(s).not.toContain(SECRET);
      expect(s).not.toContain(BAD_KEY);
    }
  });
}
