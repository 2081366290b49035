// Requests per asset (submit + status polls + download) at 1 s, 10 s and 60 s task latency,
// on the real (non-simulated) code path and its default polling (first poll after 1 s, then
// guided by the provider's progress), against the simulator in a child process.
import { build, loadProject } from "../dist/all.js";
import { childSimulator, standalone, tempProject } from "./lib.mjs";

const ASSETS = 5;

async function one(latencyMs) {
  const sim = await childSimulator({ latencyMs });
  const { root, cleanup } = tempProject({ assets: ASSETS, concurrency: ASSETS, simulate: false, apidot: `{ baseUrl: "${sim.url}" }` });
  try {
    const started = Date.now();
    const result = await build(loadProject({ cwd: root }), { env: { APIDOT_API_KEY: "bench-key" } });
    const wall = (Date.now() - started) / 1000;
    const c = await sim.requestCounts();
    const per = (k) => (c[k] ?? 0) / ASSETS;
    const total = per("apidot.submit") + per("apidot.status") + per("files");
    return {
      "latency s": latencyMs / 1000,
      assets: ASSETS,
      generated: result.generated,
      "submits/asset": per("apidot.submit").toFixed(2),
      "polls/asset": per("apidot.status").toFixed(2),
      "downloads/asset": per("files").toFixed(2),
      "requests/asset": total.toFixed(2),
      "wall s": wall.toFixed(1),
      "overshoot s": (wall - latencyMs / 1000).toFixed(2),
    };
  } finally {
    await sim.close();
    cleanup();
  }
}

export async function run() {
  // Independent simulators and projects: run side by side (the 60 s case sets the pace).
  const rows = await Promise.all([1000, 10_000, 60_000].map(one));
  const pass = rows.every((r) => r.generated === ASSETS && Number(r["requests/asset"]) <= 12);
  return {
    name: "requests per asset",
    target: "every asset generated; at most 12 requests per asset at any latency (report)",
    rows,
    pass,
    verdict: rows.map((r) => `${r["latency s"]} s: ${r["requests/asset"]} requests/asset`).join("; "),
  };
}

await standalone(import.meta, run);
