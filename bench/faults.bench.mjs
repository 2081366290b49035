// A 20% fault rate across all fault kinds (`*:any=0.2`: 429, 5xx, resets, hangs, malformed
// JSON, task failures, safety blocks, truncated / non-image / expired downloads).
// Targets: every asset completes (task failures and blocks are reported outcomes; a rebuild
// collects them), zero silent duplicate charges: every asset charged twice is reported.
import { build, loadProject } from "../dist/all.js";
import { childSimulator, duplicateCharges, standalone, tempProject } from "./lib.mjs";

const ASSETS = 100,
  RATE = 0.2,
  SEED = 42;

export async function run() {
  const sim = await childSimulator({ latencyMs: 500, faults: `*:any=${RATE}`, seed: SEED });
  const { root, cleanup } = tempProject({ assets: ASSETS, concurrency: 16, apidot: "{ timeoutMs: 1000 }" });
  try {
    const started = Date.now();
    const rows = [];
    const reported = new Set();
    // Tasks that ended failed or blocked were charged too, and reported as failures: not silent.
    const failedTasks = new Set();
    let generated = 0;
    for (let pass = 1; pass <= 3 && generated < ASSETS; pass++) {
      const r = await build(loadProject({ cwd: root }), { simulatorUrl: sim.url });
      generated += r.generated;
      for (const d of r.possibleDuplicates) reported.add(d.name);
      for (const a of r.assets) if ((a.status === "failed" || a.status === "blocked") && a.taskId) failedTasks.add(a.taskId);
      const failedAs = (re) => r.assets.filter((a) => a.status === "failed" && re.test(a.error ?? "")).length;
      rows.push({
        build: pass,
        built: r.generated,
        "task failed": failedAs(/simulated task failure/),
        blocked: failedAs(/safety filter/) + r.blocked,
        "other failures": r.failed - failedAs(/simulated task failure|safety filter/),
        "possible dups reported": r.possibleDuplicates.length,
        "wall s": ((Date.now() - started) / 1000).toFixed(1),
      });
    }
    const ledger = await sim.ledger();
    const dups = duplicateCharges(ledger.filter((c) => !failedTasks.has(c.taskId)));
    const silent = dups.filter((d) => !reported.has(d.name));
    const faults = await sim.faultCounts();
    const injected = Object.values(faults).reduce((s, n) => s + n, 0);
    const counts = await sim.requestCounts();
    const requests = Object.values(counts).reduce((s, n) => s + n, 0);
    const byKind = {};
    for (const [k, n] of Object.entries(faults)) byKind[k.split(":")[1]] = (byKind[k.split(":")[1]] ?? 0) + n;
    rows.push({
      build: "total",
      built: generated,
      "task failed": "",
      blocked: "",
      "other failures": "",
      "possible dups reported": reported.size,
      "wall s": ((Date.now() - started) / 1000).toFixed(1),
    });
    const pass = generated === ASSETS && silent.length === 0 && rows.every((r) => r["other failures"] === 0 || r["other failures"] === "");
    return {
      name: "20% faults, every kind",
      target: "every asset completes; zero silent duplicate charges",
      rows,
      pass,
      verdict: `${generated}/${ASSETS} images; ${requests} requests, ${injected} faults injected (${Object.entries(byKind)
        .map(([k, n]) => `${k} ${n}`)
        .join(
          ", ",
        )}); ${ledger.length} charges for ${ASSETS} assets (${failedTasks.size} for tasks that failed or were blocked, reported as such); ${dups.length} assets charged twice for images, ${dups.length - silent.length} of them reported as possible duplicates, ${silent.length} silent`,
    };
  } finally {
    await sim.close();
    cleanup();
  }
}

await standalone(import.meta, run);
