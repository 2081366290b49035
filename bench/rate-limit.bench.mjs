// Providers limited to 60 requests/minute (the simulator counts a sliding 60 s window, as
// Google does, and answers 429 + a wait hint); the project sets `rpm: 60`.
//   apidot 40   : submit + polls (the limited routes; the unlimited `files` downloads are not
//                 counted); accepted rate within 10% of 60/min, rejected < 5%
//   gemini 150  : one request per asset; wall ÷ the physical limit N/RPM (150 s) ≤ 1.05, rejected < 2%
//                 (takes about 2 minutes; a sliding window lets 60 go at t=0, 60 at t=60 s and 30
//                 at t=120 s, so the floor for that window is ~121 s plus the latency)
// `node bench/rate-limit.bench.mjs gemini` runs only the cases whose name starts with the word.
import { build, loadProject } from "../dist/all.js";
import { caseFilter, childSimulator, standalone, tempProject } from "./lib.mjs";

const RPM = 60;

/** One build of `assets` on `provider` against a fresh simulator enforcing RPM. */
async function limited({ provider, assets, latencyMs, concurrency, resolution }) {
  const sim = await childSimulator({ latencyMs, faults: `${provider}:rpm=${RPM}` });
  const { root, cleanup } = tempProject({ assets, concurrency, provider, resolution, apidot: `{ rpm: ${RPM}, timeoutMs: 10000 }` });
  try {
    const started = Date.now();
    const result = await build(loadProject({ cwd: root }), { simulatorUrl: sim.url });
    const ms = Date.now() - started;
    const rejected = Object.entries(await sim.faultCounts())
      .filter(([k]) => k.endsWith(":rate-limited"))
      .reduce((s, [, n]) => s + n, 0);
    // The simulator's window counts the provider's own routes (`apidot.submit`, `apidot.status`,
    // `gemini.generate`…), not `files` (image downloads: no provider prefix, never limited), and
    // a rejected request does not enter the window. Count what the limit counts.
    const counts = Object.entries(await sim.requestCounts());
    const requests = counts.filter(([route]) => route.startsWith(`${provider}.`)).reduce((s, [, n]) => s + n, 0);
    const downloads = counts.filter(([route]) => !route.startsWith(`${provider}.`)).reduce((s, [, n]) => s + n, 0);
    return { ms, rejected, requests, downloads, generated: result.generated, charges: (await sim.ledger()).length };
  } finally {
    await sim.close();
    cleanup();
  }
}

const CASES = {
  "apidot-40": async () => {
    const r = await limited({ provider: "apidot", assets: 40, latencyMs: 2000, concurrency: 8 });
    const accepted = r.requests - r.rejected;
    const rate = accepted / (r.ms / 60_000);
    const share = r.rejected / r.requests;
    return {
      case: "apidot, 40 assets (submit + polls; downloads are not limited)",
      target: `achieved ${RPM * 0.9}-${RPM * 1.1}/min, rejected < 5%`,
      "wall s": (r.ms / 1000).toFixed(1),
      "API requests": r.requests,
      downloads: r.downloads,
      "rejected %": (share * 100).toFixed(1),
      measured: `${rate.toFixed(1)} accepted/min`,
      generated: r.generated,
      charges: r.charges,
      result: r.generated === 40 && Math.abs(rate - RPM) <= RPM * 0.1 && share < 0.05 ? "PASS" : "FAIL",
    };
  },
  "gemini-150": async () => {
    const n = 150;
    const r = await limited({ provider: "gemini", assets: n, latencyMs: 1000, concurrency: 16, resolution: "1K" });
    const ratio = r.ms / ((n / RPM) * 60_000);
    const share = r.rejected / r.requests;
    return {
      case: `gemini, ${n} assets, 1 s latency, C16`,
      target: "wall ÷ N/RPM ≤ 1.05, rejected < 2%",
      "wall s": (r.ms / 1000).toFixed(1),
      "API requests": r.requests,
      downloads: r.downloads,
      "rejected %": (share * 100).toFixed(1),
      measured: `${ratio.toFixed(2)} × N/RPM (${((n / RPM) * 60).toFixed(0)} s)`,
      generated: r.generated,
      charges: r.charges,
      result: r.generated === n && ratio <= 1.05 && share < 0.02 ? "PASS" : "FAIL",
    };
  },
};

export async function run() {
  const only = caseFilter();
  const rows = [];
  for (const [name, fn] of Object.entries(CASES)) if (!only.length || only.some((o) => name.startsWith(o))) rows.push(await fn());
  const missed = rows.filter((r) => r.result === "FAIL");
  return {
    name: `rate limit (${RPM} requests/minute, sliding window, rpm: ${RPM} set)`,
    rows,
    target: "every case within its target",
    pass: missed.length === 0,
    verdict: missed.length ? `missed: ${missed.map((r) => r.case).join("; ")}` : "all met",
  };
}

await standalone(import.meta, run);
