// Issue 2: a no-op build of 10,000 up-to-date assets (target < 1 s wall, < 5x a 10-asset
// no-op build), planning 100,000 matrix expansions (target < 3 s), peak memory (< 300 MB).
import { rmSync, statSync } from "node:fs";
import path from "node:path";
import { CLI, median, row, timeNode } from "./lib/measure.mjs";
import { fakeProject } from "./lib/fake-project.mjs";
import { standalone } from "./lib.mjs";

export async function run() {
  const rows = [];
  const small = await fakeProject(10, { built: true });
  const large = await fakeProject(10_000, { built: true });
  try {
    const lockMb = statSync(path.join(large, "nanobanana.lock")).size / 1e6;
    const noop = (dir) => median(5, () => timeNode([CLI, "build", "-C", dir, "--json"]));
    const s = noop(small);
    const l = noop(large);
    const out = JSON.parse(l.stdout);
    if (out.upToDate !== 10_000 || out.generated !== 0) throw new Error(`expected 10,000 up to date, got ${l.stdout.slice(0, 200)}`);
    rows.push(row("no-op build, 10 assets (wall, CLI process)", `${s.ms.toFixed(0)} ms`, "-", true));
    rows.push(row(`no-op build, 10,000 assets (wall; lock ${lockMb.toFixed(1)} MB)`, `${l.ms.toFixed(0)} ms`, "< 1000 ms", l.ms < 1000));
    rows.push(row("no-op 10,000 / no-op 10", `${(l.ms / s.ms).toFixed(2)}x`, "< 5x", l.ms / s.ms < 5));
    rows.push(row("no-op build, 10,000 assets (peak RSS)", `${l.rssMb.toFixed(0)} MB`, "< 300 MB", l.rssMb < 300));
  } finally {
    rmSync(small, { recursive: true, force: true });
    rmSync(large, { recursive: true, force: true });
  }

  const huge = await fakeProject(100_000);
  try {
    const script = `const t=performance.now();const {loadProject,planProject}=await import(${JSON.stringify(path.resolve("dist/index.js"))});const p=await loadProject({cwd:${JSON.stringify(huge)}});const plan=await planProject(p);if(plan.items.length!==100000)throw new Error("count "+plan.items.length);console.log(JSON.stringify({ms:performance.now()-t,est:plan.estimatedUsd}))`;
    const r = median(3, () => timeNode(["--input-type=module", "-e", script]));
    if (r.code !== 0) throw new Error(r.stderr);
    const inner = JSON.parse(r.stdout);
    const cli = median(3, () => timeNode([CLI, "plan", "-C", huge, "--json"]));
    rows.push(
      row("plan 100,000 expansions (load+expand+hash+plan, in process)", `${inner.ms.toFixed(0)} ms`, "< 3000 ms", inner.ms < 3000),
    );
    rows.push(
      row("plan 100,000 expansions (`plan --json` CLI wall, 20 MB of JSON out)", `${cli.ms.toFixed(0)} ms`, "< 3000 ms", cli.ms < 3000),
    );
    rows.push(row("plan 100,000 expansions (peak RSS, CLI)", `${cli.rssMb.toFixed(0)} MB`, "< 300 MB", cli.rssMb < 300));
  } finally {
    rmSync(huge, { recursive: true, force: true });
  }
  const missed = rows.filter((r) => r.result === "FAIL");
  return {
    name: "no-op builds and planning at scale (issue 2)",
    rows,
    target: "no-op 10,000 < 1 s and < 5x no-op 10; plan 100,000 < 3 s; peak RSS < 300 MB",
    pass: missed.length === 0,
    verdict: missed.length ? `missed: ${missed.map((r) => r.name).join("; ")}` : "all met",
  };
}

await standalone(import.meta, run);
