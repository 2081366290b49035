// Batch mode bench (Gemini Batch API on a child simulator). Run after `npm run build`:
//   node bench/batch.bench.mjs [assets=10000] [kills=10] [case…]
// (cases: "charges" (1,000 assets), "kills", "big"; none named runs all three)
// NB_BENCH_IMPORT=/abs/file.mjs preloads a module into the big case's build too (a diagnostic:
// a heap snapshot, a memory trace).
// 1. 1,000 0.5K assets: 1,000 charges at 50%, provider requests besides polls ≤ 1 per 100 assets.
// 2. SIGKILLs at random instants of a 300-asset build (jobs of 100), each followed by a rerun:
//    exactly one job per chunk, one charge per asset.
// 3. `assets` 1K assets: wall time, requests, peak RSS of the build (target < 300 MB) while its
//    results file is collected.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { caseFilter, childSimulator, standalone } from "./lib.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const CLI = path.resolve(HERE, "../dist/cli/main.js");
const RSS = path.resolve(HERE, "lib/rss.mjs");
const direct = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
const numbers = direct
  ? process.argv
      .slice(2)
      .filter((a) => /^\d+$/.test(a))
      .map(Number)
  : [];
const BIG = numbers[0] ?? 10_000;
const KILLS = numbers[1] ?? 10;
const only = direct ? caseFilter().filter((a) => !/^\d+$/.test(a)) : [];
const wanted = (name) => !only.length || only.includes(name);

function project(count, resolution, perJob) {
  const dir = mkdtempSync(path.join(tmpdir(), "nb-batchbench-"));
  mkdirSync(path.join(dir, "assets"));
  writeFileSync(
    path.join(dir, "nanobanana.config.yaml"),
    `provider: gemini\nbatch: true\nsimulate: true\ndefaults: { model: nano-banana-2, resolution: ${resolution}, aspectRatio: "1:1", format: jpeg }\nproviders:\n  gemini: { pollIntervalMs: 100, batchMaxRequests: ${perJob} }\n`,
  );
  writeFileSync(
    path.join(dir, "assets", "a.yaml"),
    `assets:\n  - name: "card-{{n}}"\n    prompt: "Catalog card {{n}}."\n    matrix: { n: [${Array.from({ length: count }, (_, i) => i + 1).join(", ")}] }\n`,
  );
  return dir;
}

function build(dir, url, { killAfter, rss } = {}) {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const p = spawn(
      process.execPath,
      [
        ...(rss ? ["--import", RSS] : []),
        ...(process.env.NB_BENCH_IMPORT ? ["--import", process.env.NB_BENCH_IMPORT] : []),
        CLI,
        "build",
        "-C",
        dir,
        "--json",
      ],
      {
        env: { ...process.env, NANOBANANA_SIMULATOR_URL: url, CI: "1" },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let out = "";
    let err = "";
    p.stdout.on("data", (d) => (out += d));
    p.stderr.on("data", (d) => (err += d));
    if (killAfter) setTimeout(() => p.kill("SIGKILL"), killAfter);
    const kb = (what) => Number(new RegExp(`__max${what}_kb=(\\d+)`).exec(err)?.[1] ?? 0);
    p.on("close", (code) =>
      resolve({ code, out, ms: Date.now() - t0, maxRssKb: kb("rss"), maxHeapKb: kb("heap"), maxExternalKb: kb("external") }),
    );
  });
}

const paidRequests = (counts) =>
  Object.entries(counts)
    .filter(([r]) => r.startsWith("gemini.") && r !== "gemini.batch.get")
    .reduce((s, [, n]) => s + n, 0);

async function jobs(url) {
  const res = await fetch(`${url}/v1beta/batches?pageSize=1000`, { headers: { "x-goog-api-key": "k" } });
  return (await res.json()).operations.length;
}

export async function run() {
  const rows = [];
  let pass = true;
  // 1. 1,000 assets.
  if (wanted("charges")) {
    const sim = await childSimulator({ latencyMs: 5, batchLatencyMs: 1000 });
    const dir = project(1000, "0.5K", 1000);
    const r = await build(dir, sim.url);
    const ledger = await sim.ledger();
    const counts = await sim.requestCounts();
    const req = paidRequests(counts);
    const ok = r.code === 0 && ledger.length === 1000 && new Set(ledger.map((c) => c.prompt)).size === 1000 && req <= 10;
    pass &&= ok;
    rows.push({
      case: "1,000 assets",
      wall_s: (r.ms / 1000).toFixed(1),
      charges: ledger.length,
      requests: req,
      polls: counts["gemini.batch.get"] ?? 0,
      jobs: await jobs(sim.url),
      rss_mb: "-",
      ok,
    });
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
  // 2. Kills at random instants, then a rerun.
  if (wanted("kills")) {
    const sim = await childSimulator({ latencyMs: 5, batchLatencyMs: 3000 });
    const dir = project(300, "0.5K", 100);
    const t0 = Date.now();
    for (let k = 0; k < KILLS; k++) await build(dir, sim.url, { killAfter: 200 + Math.floor(Math.random() * 4000) });
    const r = await build(dir, sim.url);
    const ledger = await sim.ledger();
    const lock = JSON.parse(readFileSync(path.join(dir, "nanobanana.lock"), "utf8"));
    const n = await jobs(sim.url);
    const ok =
      r.code === 0 &&
      Object.keys(lock.assets).length === 300 &&
      ledger.length === 300 &&
      new Set(ledger.map((c) => c.prompt)).size === 300 &&
      n === 3;
    pass &&= ok;
    rows.push({
      case: `${KILLS} kills, 300 assets`,
      wall_s: ((Date.now() - t0) / 1000).toFixed(1),
      charges: ledger.length,
      requests: paidRequests(await sim.requestCounts()),
      polls: "-",
      jobs: n,
      rss_mb: "-",
      ok,
    });
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
  // 3. The big one.
  if (wanted("big")) {
    const sim = await childSimulator({ latencyMs: 5, batchLatencyMs: 2000 });
    const dir = project(BIG, "1K", 10_000);
    const r = await build(dir, sim.url, { rss: true });
    const ledger = await sim.ledger();
    const counts = await sim.requestCounts();
    const rssMb = Math.round(r.maxRssKb / 1024);
    const ok = r.code === 0 && ledger.length === BIG && rssMb < 300;
    pass &&= ok;
    rows.push({
      case: `${BIG} assets at 1K`,
      wall_s: (r.ms / 1000).toFixed(1),
      charges: ledger.length,
      requests: paidRequests(counts),
      polls: counts["gemini.batch.get"] ?? 0,
      jobs: await jobs(sim.url),
      rss_mb: rssMb,
      heap_mb: Math.round(r.maxHeapKb / 1024),
      external_mb: Math.round(r.maxExternalKb / 1024),
      ok,
    });
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return {
    name: "batch mode (Gemini Batch API)",
    rows,
    target:
      "1,000 charges at 50% and ≤ 10 requests besides polls; after kills one job per chunk and one charge per asset; peak RSS < 300 MB while collecting",
    pass,
    verdict: pass ? "every case met its target" : "a case missed its target (see the table)",
  };
}

await standalone(import.meta, run);
