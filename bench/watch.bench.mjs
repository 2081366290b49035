// Watch mode: time from saving a manifest to the new image on disk, for one changed asset in a
// project of 1,000 assets, simulator latency 0. Run after `npm run build`:
//   node bench/watch.bench.mjs
import { mkdtempSync, rmSync, statSync, writeFileSync, mkdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { watch } from "../dist/all.js";
import { startSimulator } from "../dist/simulator/index.js";
import { standalone } from "./lib.mjs";

const ASSETS = 1000;
const MANIFESTS = 10;
const ROUNDS = Number(process.env.ROUNDS ?? 7);

export async function run() {
  const root = mkdtempSync(path.join(os.tmpdir(), "nb-watch-bench-"));
  const per = ASSETS / MANIFESTS;
  const manifest = (m, changed) =>
    `assets:\n` +
    Array.from(
      { length: per },
      (_, i) => `  - name: m${m}/a${i}\n    prompt: "Asset ${m}-${i}${changed !== undefined && i === 0 ? ` revision ${changed}` : ""}"\n`,
    ).join("");
  writeFileSync(
    path.join(root, "nanobanana.config.yaml"),
    `provider: apidot\nsimulate: true\nmanifests: ["assets/*.yaml"]\nconcurrency: 32\ndefaults: { model: nano-banana-2, resolution: 0.5K, aspectRatio: "1:1", format: png }\nsimulator: { latencyMs: 0 }\n`,
  );
  mkdirSync(path.join(root, "assets"));
  for (let m = 0; m < MANIFESTS; m++) writeFileSync(path.join(root, `assets/m${m}.yaml`), manifest(m));

  const sim = await startSimulator({ latencyMs: 0 });
  const w = watch({ cwd: root, simulatorUrl: sim.url });
  let t = performance.now();
  await w.ready;
  const initialMs = performance.now() - t;

  const samples = [];
  for (let r = 1; r <= ROUNDS; r++) {
    const out = path.join(root, "generated/m3/a0.png");
    const before = statSync(out).mtimeMs;
    const done = new Promise((resolve, reject) => {
      const off = w.on((e) => {
        if (e.type === "build" && e.event.type === "generated" && e.event.name === "m3/a0") {
          off();
          resolve();
        } else if (e.type === "build" && e.event.type === "failed") reject(new Error(e.event.error));
      });
    });
    t = performance.now();
    writeFileSync(path.join(root, "assets/m3.yaml"), manifest(3, r));
    await done;
    const ms = performance.now() - t;
    if (statSync(out).mtimeMs === before) throw new Error("the image on disk did not change");
    samples.push(ms);
    await new Promise((resolve) => w.on((e) => e.type === "build-end" && resolve()));
  }
  await w.close();
  await sim.close();
  rmSync(root, { recursive: true, force: true });

  samples.sort((a, b) => a - b);
  const fmt = (n) => `${n.toFixed(0)} ms`;
  const median = samples[Math.floor(samples.length / 2)];
  return {
    name: "watch: save → new image on disk (1 changed asset of 1,000; simulator latency 0; 100 ms debounce included)",
    rows: [
      {
        "initial build (1,000 assets)": fmt(initialMs),
        median: fmt(median),
        min: fmt(samples[0]),
        max: fmt(samples[samples.length - 1]),
        saves: samples.length,
      },
    ],
    target: "median < 300 ms (issue 9)",
    pass: median < 300,
    verdict: `median ${fmt(median)}`,
  };
}

await standalone(import.meta, run);
