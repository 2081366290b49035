// Shared helpers of the benches: temp projects in os.tmpdir(), tables, pass/fail.
import { mkdtempSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/**
 * The case names given on the command line. `node bench/run.mjs peers noop` passes the bench
 * names themselves: those (and files, flags) are not case filters.
 */
export function caseFilter() {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const benches = new Set(readdirSync(here).flatMap((f) => (f.endsWith(".bench.mjs") ? [f.slice(0, -".bench.mjs".length)] : [])));
  return process.argv.slice(2).filter((a) => !a.endsWith(".mjs") && !a.startsWith("-") && !benches.has(a));
}

/** A project with `assets` nano-banana-2 assets on `provider` (APIDot); `apidot` is inline YAML for its providers entry. */
export function tempProject({ assets, concurrency = 8, provider = "apidot", apidot = "{}", simulate = true, resolution = "0.5K" }) {
  const root = mkdtempSync(path.join(os.tmpdir(), "nb-bench-"));
  mkdirSync(path.join(root, "assets"));
  writeFileSync(
    path.join(root, "nanobanana.config.yaml"),
    [
      `provider: ${provider}`,
      `simulate: ${simulate}`,
      `concurrency: ${concurrency}`,
      `defaults: { model: nano-banana-2, resolution: ${resolution}, aspectRatio: "1:1", format: png }`,
      `providers:\n  ${provider}: ${apidot}`,
    ].join("\n"),
  );
  const items = Array.from(
    { length: assets },
    (_, i) => `  - { name: "a${String(i).padStart(4, "0")}", prompt: "bench image number ${i}" }`,
  );
  writeFileSync(path.join(root, "assets", "set.yaml"), `assets:\n${items.join("\n")}\n`);
  return { root, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/** Prints rows as an aligned table. */
export function table(rows) {
  const keys = Object.keys(rows[0]);
  const width = keys.map((k) => Math.max(k.length, ...rows.map((r) => String(r[k]).length)));
  const line = (vals) => vals.map((v, i) => String(v).padEnd(width[i])).join("  ");
  return [line(keys), line(width.map((w) => "-".repeat(w))), ...rows.map((r) => line(keys.map((k) => r[k])))].join("\n");
}

/** Charges per prompt: more than one means an asset was paid for twice. */
export function duplicateCharges(ledger) {
  const m = new Map();
  for (const c of ledger) m.set(c.prompt, (m.get(c.prompt) ?? 0) + 1);
  return [...m].filter(([, n]) => n > 1).map(([prompt, n]) => ({ prompt, n, name: `a${prompt.match(/\d+$/)[0].padStart(4, "0")}` }));
}

/** Runs a bench module's `run()` when the file is executed directly; prints its table and verdict. */
export async function standalone(meta, run) {
  if (process.argv[1] && pathToFileURL(path.resolve(process.argv[1])).href === meta.url) {
    const r = await run();
    report(r);
    process.exitCode = r.pass ? 0 : 1;
  }
}

export function report(r) {
  console.log(`\n## ${r.name}\n${table(r.rows)}\ntarget: ${r.target}\n${r.pass ? "PASS" : "FAIL"}: ${r.verdict}`);
}

/**
 * The simulator as a child process (`nanobanana simulator`), so that it does not share an
 * event loop with the build being measured. Returns what build({ simulatorUrl }) needs (url)
 * plus the ledger and counters read over its admin routes.
 */
export async function childSimulator({ latencyMs, batchLatencyMs, faults, seed } = {}) {
  const { spawn } = await import("node:child_process");
  const { fileURLToPath } = await import("node:url");
  const cli = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));
  const args = [
    cli,
    "simulator",
    "--port",
    "0",
    ...(latencyMs !== undefined ? ["--latency-ms", String(latencyMs)] : []),
    ...(batchLatencyMs !== undefined ? ["--batch-latency-ms", String(batchLatencyMs)] : []),
    ...(faults ? ["--faults", faults] : []),
    ...(seed !== undefined ? ["--seed", String(seed)] : []),
  ];
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
  const url = await new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once("exit", (code) => reject(new Error(`simulator exited with ${code}: ${out}`)));
  });
  const get = async (p) => (await fetch(`${url}${p}`)).json();
  return {
    url,
    ledger: async () => (await get("/__simulator/ledger")).charges,
    requestCounts: () => get("/__simulator/requests"),
    faultCounts: () => get("/__simulator/faults"),
    close: async () => {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
    },
  };
}
