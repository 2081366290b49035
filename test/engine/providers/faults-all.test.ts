import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterEach, describe, expect, it } from "vitest";
import { build, loadProject, readLock } from "../../../src/all.js";
import { startSimulator, type Simulator } from "../../../src/simulator/index.js";

let sim: Simulator | undefined;
let dir = "";
afterEach(async () => {
  await sim?.close();
  rmSync(dir, { recursive: true, force: true });
});

const ASSETS = 12;

function project(provider: string): string {
  const model = provider === "revid" ? "nano-banana" : "nano-banana-2";
  const root = mkdtempSync(path.join(os.tmpdir(), "nb-faults-all-"));
  mkdirSync(path.join(root, "assets"));
  writeFileSync(
    path.join(root, "nanobanana.config.yaml"),
    `provider: ${provider}\nsimulate: true\nconcurrency: 6\ndefaults: { model: ${model}, resolution: 1K, aspectRatio: "1:1", format: png }\nproviders:\n  ${provider}: { pollIntervalMs: 20, timeoutMs: 1500 }\n`,
  );
  writeFileSync(
    path.join(root, "assets/a.yaml"),
    `assets:\n  - name: "t{{n}}"\n    prompt: "tile {{n}}"\n    matrix: { n: [${Array.from({ length: ASSETS }, (_, i) => i).join(", ")}] }\n`,
  );
  return root;
}

/** Charges per prompt above one: an asset paid for twice. */
function doubles(ledger: { prompt: string }[]): string[] {
  const n = new Map<string, number>();
  for (const c of ledger) n.set(c.prompt, (n.get(c.prompt) ?? 0) + 1);
  return [...n].filter(([, k]) => k > 1).map(([p]) => p);
}

describe.each(["apidot", "gemini", "fal", "revid"])("%s under faults", (provider) => {
  it("429 / 5xx / truncated downloads: every image arrives, charges equal assets", async () => {
    dir = project(provider);
    sim = await startSimulator({ latencyMs: 30, seed: 7, faults: "*:429@2-3,*:500=0.1,*:503=0.05,files:truncate=0.1" });
    const r = await build(loadProject({ cwd: dir }), { simulatorUrl: sim.url });
    expect(r).toMatchObject({ generated: ASSETS, failed: 0, blocked: 0 });
    expect(sim.ledger()).toHaveLength(ASSETS);
    const injected = Object.values(sim.faultCounts()).reduce((a, b) => a + b, 0);
    expect(injected).toBeGreaterThan(3);
    const lock = readLock(path.join(dir, "nanobanana.lock"));
    for (const e of Object.values(lock.assets)) {
      const meta = await sharp(readFileSync(path.join(dir, e.output))).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(["png", 1024, 1024]);
    }
  });

  it("task failures, safety blocks and resets: each asset ends generated, failed or blocked, never a silent double charge", async () => {
    dir = project(provider);
    sim = await startSimulator({ latencyMs: 30, seed: 11, faults: "*:block=0.2,*:fail=0.15,*:reset=0.1" });
    const r = await build(loadProject({ cwd: dir }), { simulatorUrl: sim.url });
    expect(r.generated + r.failed + r.blocked).toBe(ASSETS);
    expect(r.blocked).toBeGreaterThan(0);
    const reported = new Set(r.possibleDuplicates.map((d) => d.name));
    for (const prompt of doubles(sim.ledger())) expect(reported.has(prompt.replace("tile ", "t"))).toBe(true);
    const lock = readLock(path.join(dir, "nanobanana.lock"));
    expect(Object.keys(lock.assets)).toHaveLength(r.generated);
    for (const a of r.assets.filter((x) => x.status === "blocked")) expect(a.error).toBeTruthy();
  });
});
