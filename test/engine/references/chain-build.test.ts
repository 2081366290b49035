import { readFileSync } from "node:fs";
import path from "node:path";
import sharp from "sharp";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { build } from "../../../src/engine/build/build.js";
import { loadProject } from "../../../src/engine/load/load.js";
import { startSimulator, type Simulator } from "../../../src/simulator/server.js";
import type { SimTask } from "../../../src/simulator/state.js";
import { solidImage, tempProject } from "../../helpers/sim-project.js";

let sim: Simulator;
let cleanup: (() => void) | undefined;
beforeAll(async () => {
  sim = await startSimulator({ latencyMs: 5 });
  // Test hook: a prompt containing FAIL makes the simulated task fail.
  const accept = sim.state.accept.bind(sim.state);
  sim.state.accept = (task: SimTask) =>
    accept(task.prompt.includes("FAIL") ? { ...task, failure: { kind: "failed", message: "simulated failure" } } : task);
});
afterAll(() => sim.close());
afterEach(() => cleanup?.());

describe("edit chains", () => {
  it("uploads local and upstream references to the simulator and sends them as image_urls", async () => {
    const p = tempProject({
      "refs/sketch.png": await solidImage("#00ff00", "png", 256),
      "assets/x.yaml": `defaults: { normalize: { maxSide: 64, stripMetadata: true } }\nassets:\n  - name: hero\n    prompt: "Hero from the sketch"\n    references: [../refs/sketch.png]\n  - name: scene\n    prompt: "Hero on a beach"\n    references: [{ asset: hero }]\n`,
    });
    cleanup = p.cleanup;
    const before = sim.requestCounts().uploads ?? 0;
    const r = await build(loadProject({ cwd: p.root }), { simulatorUrl: sim.url });
    expect(r.generated).toBe(2);
    expect((sim.requestCounts().uploads ?? 0) - before).toBeGreaterThanOrEqual(2);
    const tasks = [...sim.state.tasks.values()].filter((t) => t.prompt.includes("Hero"));
    expect(tasks.map((t) => t.modelId)).toEqual(["nano-banana-2-edit", "nano-banana-2-edit"]);
    // the normalized sketch (64 px) was uploaded, not the 256 px original
    const sizes = await Promise.all([...sim.state.uploads.values()].map(async (u) => (await sharp(u.data).metadata()).width));
    expect(sizes).toContain(64);
    expect(sizes).not.toContain(256);
    const lock = JSON.parse(readFileSync(path.join(p.root, "nanobanana.lock"), "utf8"));
    expect(lock.assets.scene.spec.references[0]).toMatchObject({ kind: "asset", ref: "hero", sha256: lock.assets.hero.sha256 });
    // the edit's picture shows its reference: the green sketch is drawn into the hero image
    const hero = sharp(readFileSync(path.join(p.root, lock.assets.hero.output)));
    const { data, info } = await hero.raw().toBuffer({ resolveWithObject: true });
    let green = 0;
    for (let i = 0; i < data.length; i += info.channels) if (data[i] < 40 && data[i + 1] > 215 && data[i + 2] < 40) green++;
    expect(green).toBeGreaterThan(500);
    // a second load is up to date: the downstream hash carries the upstream output hash from the lock
    const again = await build(loadProject({ cwd: p.root }), { simulatorUrl: sim.url });
    expect(again.upToDate).toBe(2);
  });

  it("fails the dependents of a failed upstream without paying for them", async () => {
    const p = tempProject({
      "assets/x.yaml": `assets:\n  - name: hero\n    prompt: "FAIL this hero"\n  - name: "scene/{{s}}"\n    prompt: "Hero on a {{s}}"\n    references: [{ asset: hero }]\n    matrix: { s: [beach, desk] }\n  - name: other\n    prompt: "Independent"\n`,
    });
    cleanup = p.cleanup;
    const charges = sim.ledger().length;
    const r = await build(loadProject({ cwd: p.root }), { simulatorUrl: sim.url });
    const byName = Object.fromEntries(r.assets.map((a) => [a.name, a]));
    expect(byName.hero.status).toBe("failed");
    expect(byName["scene/beach"]).toMatchObject({ status: "failed", error: expect.stringContaining("upstream asset hero failed") });
    expect(byName.other.status).toBe("generated");
    expect(sim.ledger().length - charges).toBe(2); // hero and other; nothing for the scenes
  });
});
