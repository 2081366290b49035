import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import sharp from "sharp";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { build, loadProject, planProject, readLock } from "../../../src/all.js";
import { startSimulator, type Simulator } from "../../../src/simulator/index.js";
import { removeProject, tempProject } from "../../helpers/project.js";

const CONFIG = `provider: gemini
batch: true
simulate: true
manifests: ["assets/**/*.yaml"]
defaults: { model: nano-banana-2, resolution: 0.5K, aspectRatio: "1:1", format: png }
providers:
  gemini: { pollIntervalMs: 20 }
`;
const manifest = (heroPrompt: string) => `assets:
  - name: hero
    prompt: "${heroPrompt}"
  - name: icon
    prompt: "A flat shop icon"
`;

let sim: Simulator;
let dir = "";
beforeAll(async () => {
  sim = await startSimulator({ batchLatencyMs: 60, latencyMs: 5 });
});
afterEach(() => {
  removeProject(dir);
  sim.state.reset();
});
afterAll(() => sim.close());

const load = () => loadProject({ cwd: dir });
const lockOf = () => readLock(path.join(dir, "nanobanana.lock"));
const heroFile = () => readFileSync(path.join(dir, "generated/hero.png"));

describe("images collected from batch jobs: quality gates and cut-outs", () => {
  it("reject a blank image collected from a batch job: kept aside, the good output and its lock entry stay, never paid again unasked", async () => {
    dir = tempProject({ "nanobanana.config.yaml": CONFIG, "assets/a.yaml": manifest("A studio photo of earbuds") });
    expect(await build(load(), { simulatorUrl: sim.url })).toMatchObject({ generated: 2, rejected: 0 });
    const good = heroFile();
    const goodEntry = lockOf().assets.hero;

    writeFileSync(path.join(dir, "assets/a.yaml"), manifest("A studio photo of earbuds [[blank]]"));
    const r = await build(load(), { simulatorUrl: sim.url });
    expect(r).toMatchObject({ generated: 0, upToDate: 1, rejected: 1, failed: 0 });
    const hero = r.assets.find((a) => a.name === "hero")!;
    expect(hero).toMatchObject({ status: "rejected", model: "nano-banana-2" });
    expect(hero.error).toMatch(/blank or single-coloured/);
    expect(hero.costUsd).toBeGreaterThan(0);
    expect(r.costUsd).toBe(hero.costUsd);
    expect(sim.ledger()).toHaveLength(3);
    // The output and the lock entry are the good ones; the paid blank image is kept for inspection.
    expect(heroFile().equals(good)).toBe(true);
    expect(lockOf().assets.hero).toEqual(goodEntry);
    const stats = await sharp(path.join(dir, hero.kept!)).stats();
    expect(stats.channels.slice(0, 3).every((c) => c.stdev === 0)).toBe(true);

    // Planned and built again: rejected at $0, nothing submitted.
    const p = await planProject(load());
    expect(p.items.find((i) => i.name === "hero")).toMatchObject({ action: "rejected", estimatedUsd: 0 });
    expect(await build(load(), { simulatorUrl: sim.url })).toMatchObject({ rejected: 1, costUsd: 0 });
    expect(sim.ledger()).toHaveLength(3);
  });

  it("apply the asset's own gates to batch results", async () => {
    dir = tempProject({
      "nanobanana.config.yaml": CONFIG,
      "assets/a.yaml": `${manifest("A studio photo of earbuds")}    gates: { maxBytes: 1000 }\n`,
    });
    const r = await build(load(), { simulatorUrl: sim.url });
    expect(r.assets.map((a) => [a.name, a.status])).toEqual([
      ["hero", "generated"],
      ["icon", "rejected"],
    ]);
    expect(r.assets[1].error).toMatch(/bytes, more than maxBytes 1000/);
    expect(lockOf().assets.icon).toBeUndefined();
  });

  it("a cut-out in batch mode: the white image and its edit to black in two jobs (two charges), the matte has alpha", async () => {
    dir = tempProject({
      "nanobanana.config.yaml": CONFIG,
      "assets/a.yaml": `assets:\n  - name: sticker\n    prompt: "A red apple sticker"\n    background: transparent\n`,
    });
    const r = await build(load(), { simulatorUrl: sim.url });
    expect(r).toMatchObject({ generated: 3, failed: 0, rejected: 0 });
    expect(sim.ledger()).toHaveLength(2);
    expect(lockOf().assets["sticker.black"].batch).toBe(true);
    const { data, info } = await sharp(path.join(dir, "generated/sticker.png")).raw().toBuffer({ resolveWithObject: true });
    expect(info.channels).toBe(4);
    expect(data[3]).toBe(0);
    expect(data[((info.height >> 1) * info.width + (info.width >> 1)) * 4 + 3]).toBe(255);
    expect(await build(load(), { simulatorUrl: sim.url })).toMatchObject({ generated: 0, costUsd: 0 });
    expect(sim.ledger()).toHaveLength(2);
  });
});
