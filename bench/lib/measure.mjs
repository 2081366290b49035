import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import path from "node:path";

const here = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(here, "..", "..");
export const CLI = path.join(ROOT, "dist", "cli", "main.js");

/** Runs `node <args>` in a fresh process; returns wall ms, peak RSS MB, CPU ms, exit code and output. */
export function timeNode(args, opts = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ["--import", path.join(here, "rss.mjs"), ...args], {
    encoding: "utf8",
    maxBuffer: 1 << 30,
    ...opts,
  });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const m = /__maxrss_kb=(\d+)/.exec(r.stderr ?? "");
  const cpu = /__cpu_ms=(\d+)/.exec(r.stderr ?? "");
  return {
    ms,
    rssMb: m ? Number(m[1]) / 1024 : NaN,
    cpuMs: cpu ? Number(cpu[1]) : NaN,
    code: r.status,
    stdout: r.stdout,
    stderr: r.stderr,
  };
}

/** Median of `n` runs of fn() → {ms, rssMb, ...}. */
export function median(n, fn) {
  const runs = Array.from({ length: n }, fn).sort((a, b) => a.ms - b.ms);
  return runs[Math.floor(n / 2)];
}

export function row(name, value, target, pass) {
  return { name, value, target, result: pass ? "PASS" : "FAIL" };
}
