// A provider limited to 60 requests/minute (the simulator enforces a sliding 60 s window and
// answers APIDot's 429 + Retry-After); the project says providers.apidot.rpm: 60.
// Targets: achieved rate within 10% of 60/min; rejected (429) requests under 5% of all.
import { build, loadProject } from "../dist/index.js";
import { childSimulator, standalone, tempProject } from "./lib.mjs";

const RPM = 60,
  ASSETS = 40,
  LATENCY_MS = 2000;

export async function run() {
  const sim = await childSimulator({ latencyMs: LATENCY_MS, faults: `apidot:rpm=${RPM}` });
  const { root, cleanup } = tempProject({ assets: ASSETS, concurrency: 8, apidot: `{ rpm: ${RPM}, timeoutMs: 10000 }` });
  try {
    const started = Date.now();
    const result = await build(loadProject({ cwd: root }), { simulatorUrl: sim.url });
    const minutes = (Date.now() - started) / 60_000;
    const counts = await sim.requestCounts();
    const rejected = Object.entries(await sim.faultCounts())
      .filter(([k]) => k.endsWith(":rate-limited"))
      .reduce((s, [, n]) => s + n, 0);
    const api = (counts["apidot.submit"] ?? 0) + (counts["apidot.status"] ?? 0);
    const accepted = api - rejected;
    const rate = accepted / minutes;
    const rejectedShare = rejected / api;
    const pass = result.generated === ASSETS && Math.abs(rate - RPM) <= RPM * 0.1 && rejectedShare < 0.05;
    return {
      name: "rate limit (60 requests/minute)",
      target: `achieved ${RPM * 0.9}-${RPM * 1.1}/min; rejected < 5% of requests`,
      rows: [
        {
          assets: ASSETS,
          "limit/min": RPM,
          "wall s": (minutes * 60).toFixed(1),
          "API requests": api,
          accepted,
          "rejected (429)": rejected,
          "rejected %": (rejectedShare * 100).toFixed(1),
          "achieved /min": rate.toFixed(1),
          generated: result.generated,
          charges: (await sim.ledger()).length,
        },
      ],
      pass,
      verdict: `${rate.toFixed(1)} accepted requests/min, ${(rejectedShare * 100).toFixed(1)}% rejected`,
    };
  } finally {
    await sim.close();
    cleanup();
  }
}

await standalone(import.meta, run);
