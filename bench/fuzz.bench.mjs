// Issue 15, item 12: the long fuzz run. Generated configs, manifests, lockfiles and journal
// files (valid and broken) through plan, status, tasks and gc --dry-run: every run either works
// or ends in a located user error (exit 2), never another exception, never a write outside the
// project. NB_FUZZ_RUNS (default 2000) and NB_FUZZ_SEED choose the run; the test file holds the property.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { row } from "./lib/measure.mjs";

export async function run() {
  const runs = Number(process.env.NB_FUZZ_RUNS ?? 2000);
  const tmp = mkdtempSync(path.join(os.tmpdir(), "nb-fuzz-bench-"));
  const tallyFile = path.join(tmp, "tally.json");
  const started = Date.now();
  const r = spawnSync("npx", ["vitest", "run", "test/engine/safety/fuzz.test.ts"], {
    env: { ...process.env, NB_FUZZ_RUNS: String(runs), NB_FUZZ_TALLY: tallyFile },
    encoding: "utf8",
    timeout: 30 * 60_000,
  });
  const seconds = (Date.now() - started) / 1000;
  let tally = {};
  try {
    tally = JSON.parse(readFileSync(tallyFile, "utf8"));
  } catch {}
  rmSync(tmp, { recursive: true, force: true });
  const pass = r.status === 0;
  const rows = [
    row(
      `${runs} generated projects × 4 commands`,
      `${seconds.toFixed(0)} s`,
      "every run: exit 0/1/2, located errors, nothing outside touched",
      pass,
    ),
  ];
  for (const [k, v] of Object.entries(tally).sort()) rows.push(row(`exit codes ${k}`, String(v), "-", true));
  return {
    name: "fuzz: configs, manifests, lockfiles, journal files",
    rows,
    target: "no exception other than a located user error; no write outside the project",
    pass,
    verdict: pass
      ? "no counterexample"
      : `counterexample:\n${(r.stdout + r.stderr)
          .split("\n")
          .filter((l) => /Counterexample|Property failed|→|Expected|Received/.test(l))
          .slice(0, 20)
          .join("\n")}`,
  };
}
