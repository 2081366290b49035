// Kill-and-rerun bench: how many images a build pays for when SIGKILLed at random instants,
// with and without a provider that honours Idempotency-Key. Run after `npm run build`:
//   node bench/kill.bench.mjs [kills=20] [assets=60] [trials=1]
import { spawn } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startSimulator } from "../dist/simulator/index.js";
import { standalone } from "./lib.mjs";

const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../dist/cli/main.js");
const direct = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
const arg = (i, d) => (direct && process.argv[i] !== undefined ? Number(process.argv[i]) : d);
const KILLS = arg(2, 20);
const ASSETS = arg(3, 60);
const TRIALS = arg(4, 1);

function project() {
  const dir = mkdtempSync(path.join(tmpdir(), "nb-killbench-"));
  mkdirSync(path.join(dir, "assets"));
  writeFileSync(
    path.join(dir, "nanobanana.config.yaml"),
    `provider: apidot\nsimulate: true\nconcurrency: 12\ndefaults: { model: nano-banana-2, resolution: 0.5K, aspectRatio: "1:1", format: png }\n`,
  );
  writeFileSync(
    path.join(dir, "assets", "a.yaml"),
    `assets:\n  - name: "tile-{{n}}"\n    prompt: "Tile {{n}}."\n    matrix: { n: [${Array.from({ length: ASSETS }, (_, i) => i + 1).join(", ")}] }\n`,
  );
  return dir;
}

function buildOnce(dir, url, killAfter) {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [CLI, "build", "-C", dir, "--json"], {
      env: { ...process.env, NANOBANANA_SIMULATOR_URL: url, CI: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    p.stdout.on("data", (d) => (out += d));
    if (killAfter) setTimeout(() => p.kill("SIGKILL"), killAfter);
    p.on("close", () => resolve(out));
  });
}

export async function run() {
  const rows = [];
  for (let trial = 1; trial <= TRIALS; trial++)
    for (const idempotency of [false, true]) {
      const sim = await startSimulator({ latencyMs: 1500, idempotency });
      const dir = project();
      const t0 = Date.now();
      for (let k = 0; k < KILLS; k++) await buildOnce(dir, sim.url, 100 + Math.floor(Math.random() * 1400));
      const final = JSON.parse(await buildOnce(dir, sim.url));
      const lock = JSON.parse(readFileSync(path.join(dir, "nanobanana.lock"), "utf8"));
      const resent = final.warnings.filter((w) => /idempotency key/.test(w)).length;
      rows.push({
        trial,
        idempotency,
        kills: KILLS,
        assets: Object.keys(lock.assets).length,
        charges: sim.ledger().length,
        extra: sim.ledger().length - ASSETS,
        resentInFinalRun: resent,
        seconds: ((Date.now() - t0) / 1000).toFixed(1),
      });
      await sim.close();
      rmSync(dir, { recursive: true, force: true });
    }
  const withKey = rows.filter((r) => r.idempotency);
  return {
    name: `kill: ${KILLS} SIGKILLs at random instants (100-1500 ms) of a ${ASSETS}-asset build, each followed by a rerun`,
    rows,
    target: `every asset built; exactly ${ASSETS} charges when the provider honours Idempotency-Key (without it, extra charges are measured and reported, not a target)`,
    pass: rows.every((r) => r.assets === ASSETS) && withKey.every((r) => r.charges === ASSETS),
    verdict: rows.map((r) => `${r.idempotency ? "with" : "without"} key: ${r.charges} charges`).join("; "),
  };
}

await standalone(import.meta, run);
