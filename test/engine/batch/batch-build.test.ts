import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { GEMINI_IMAGE_TOKENS } from "../../../src/core/catalog/gemini-tokens.js";
import { build, loadProject, planProject, readLock } from "../../../src/all.js";
import { startSimulator, type Simulator } from "../../../src/simulator/index.js";
import { tempDir } from "../../helpers/temp-dir.js";
import { makeProject } from "../safety/helpers.js";

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ batchLatencyMs: 150, latencyMs: 5 });
});
beforeEach(() => {
  sim.state.reset();
  sim.setFaults(undefined);
});
afterAll(() => sim.close());

/** A project of `count` 0.5K assets on the simulated Gemini API in batch mode. */
function geminiProject(count: number, extra = ""): string {
  const dir = makeProject({ count, dir: tempDir("nb-batch-") });
  writeFileSync(
    path.join(dir, "nanobanana.config.yaml"),
    `provider: gemini\nbatch: true\nsimulate: true\nconcurrency: 8\ndefaults: { model: nano-banana-2, resolution: 0.5K, aspectRatio: "1:1", format: png }\nproviders:\n  gemini: { pollIntervalMs: 20${extra} }\n`,
  );
  return dir;
}

function requests(): number {
  return Object.entries(sim.requestCounts())
    .filter(([r]) => r.startsWith("gemini.") && r !== "gemini.batch.get")
    .reduce((s, [, n]) => s + n, 0);
}

it("N assets in batch mode: N charges at half price, ≤ 1 provider request per 100 assets plus polls, lock entries say batch", async () => {
  const N = 150; // bench/batch.bench.mjs runs 1,000 and 10,000
  const dir = geminiProject(N);
  const project = loadProject({ cwd: dir });
  const plan = await planProject(project);
  const full = (GEMINI_IMAGE_TOKENS["nano-banana-2"]["0.5K"]! * 60) / 1e6;
  expect(plan.estimatedUsd).toBeCloseTo(N * full * 0.5, 4);
  let reclaims = 0;
  const r = await build(project, { simulatorUrl: sim.url, reclaimMemory: () => reclaims++ });
  expect(r).toMatchObject({ generated: N, failed: 0, blocked: 0 });
  // The collector offers the CLI a garbage collection before the results and once per 100 of them.
  expect(reclaims).toBe(1 + Math.floor(N / 100));
  const ledger = sim.ledger();
  expect(ledger).toHaveLength(N);
  expect(new Set(ledger.map((c) => c.prompt)).size).toBe(N);
  for (const c of ledger) expect(c.costUsd).toBeLessThan(full * 0.6);
  // One job for all of them, in 4 requests besides polls (upload start, upload bytes, create,
  // download): 1,000 assets take the same 4, within the target of 1 per 100 assets.
  expect(requests()).toBe(4);
  expect(sim.requestCounts()["gemini.batch.create"]).toBe(1);
  const lock = readLock(path.join(dir, "nanobanana.lock"));
  const entries = Object.values(lock.assets);
  expect(entries).toHaveLength(N);
  for (const e of entries) {
    expect(e.batch).toBe(true);
    expect(e.cost.source).toBe("usage");
    expect(readFileSync(path.join(dir, e.output)).length).toBe(e.bytes);
  }
  expect(r.costUsd).toBeCloseTo(
    ledger.reduce((s, c) => s + c.costUsd, 0),
    4,
  );
  expect(readdirSync(path.join(dir, ".nanobanana/batches")).filter((f) => f.endsWith(".json"))).toEqual([]);
  const again = await build(loadProject({ cwd: dir }), { simulatorUrl: sim.url });
  expect(again.generated).toBe(0);
  expect(sim.ledger()).toHaveLength(N);
}, 60_000);

it("per-request errors and blocks end failed / blocked; a cap makes several jobs; small jobs go inline", async () => {
  const dir = geminiProject(5, ", batchMaxRequests: 2");
  const manifest = path.join(dir, "assets", "assets.yaml");
  writeFileSync(
    manifest,
    `${readFileSync(manifest, "utf8")}  - { name: bad, prompt: "[[fail]] broken" }\n  - { name: nope, prompt: "[[blocked]] refused" }\n`,
  );
  const r = await build(loadProject({ cwd: dir }), { simulatorUrl: sim.url });
  expect(r).toMatchObject({ generated: 5, failed: 1, blocked: 1 });
  expect(r.assets.find((a) => a.name === "bad")?.error).toMatch(/500/);
  expect(r.assets.find((a) => a.name === "nope")?.error).toMatch(/IMAGE_SAFETY/);
  expect(sim.requestCounts()["gemini.batch.create"]).toBe(4);
  expect(sim.requestCounts()["gemini.upload"]).toBeUndefined();
  // Google bills the blocked answer, not the error.
  expect(sim.ledger()).toHaveLength(6);
}, 30_000);

it("a job that FAILS or EXPIRES returns its assets to 'to generate', reported; the next build pays once", async () => {
  sim.setFaults("gemini.batch.create:expired@1");
  const dir = geminiProject(3);
  const r1 = await build(loadProject({ cwd: dir }), { simulatorUrl: sim.url });
  expect(r1.failed).toBe(3);
  expect(r1.assets[0].error).toMatch(/ended EXPIRED.*not charged/);
  expect(sim.ledger()).toHaveLength(0);
  const r2 = await build(loadProject({ cwd: dir }), { simulatorUrl: sim.url });
  expect(r2.generated).toBe(3);
  expect(sim.ledger()).toHaveLength(3);
}, 30_000);

it("batch on another provider is a plan-time error that says why", () => {
  const dir = makeProject({ count: 1, dir: tempDir("nb-batch-"), config: "batch: true\n" });
  expect(() => loadProject({ cwd: dir })).toThrow(/batch mode needs provider: gemini.*apidot has none/);
});
