// Throughput: 400 assets, 1 s per task on the simulator, concurrency 32.
// Target: wall time within 15% of ceil(400/32) × 1 s = 13 s.
import { build, loadProject } from "../dist/all.js";
import { childSimulator, standalone, tempProject } from "./lib.mjs";

const ASSETS = 400,
  CONCURRENCY = 32,
  LATENCY_MS = 1000;

export async function run() {
  // The simulator runs in its own process: the numbers are the build's, not a shared event loop's.
  const sim = await childSimulator({ latencyMs: LATENCY_MS });
  const { root, cleanup } = tempProject({ assets: ASSETS, concurrency: CONCURRENCY, apidot: "{ timeoutMs: 10000 }" });
  try {
    const started = Date.now();
    const result = await build(loadProject({ cwd: root }), { simulatorUrl: sim.url });
    const wall = (Date.now() - started) / 1000;
    const ideal = Math.ceil(ASSETS / CONCURRENCY) * (LATENCY_MS / 1000);
    const counts = await sim.requestCounts();
    const polls = counts["apidot.status"] ?? 0;
    const pass = result.generated === ASSETS && wall <= ideal * 1.15;
    return {
      name: "throughput",
      target: `${ASSETS} assets in ≤ ${(ideal * 1.15).toFixed(2)} s (ideal ${ideal} s + 15%)`,
      rows: [
        {
          assets: ASSETS,
          concurrency: CONCURRENCY,
          "latency s": LATENCY_MS / 1000,
          "wall s": wall.toFixed(2),
          "ideal s": ideal,
          "over ideal": `${((wall / ideal - 1) * 100).toFixed(1)}%`,
          generated: result.generated,
          "polls/asset": (polls / ASSETS).toFixed(2),
          charges: (await sim.ledger()).length,
        },
      ],
      pass,
      verdict: `${result.generated}/${ASSETS} generated in ${wall.toFixed(2)} s`,
    };
  } finally {
    await sim.close();
    cleanup();
  }
}

await standalone(import.meta, run);
