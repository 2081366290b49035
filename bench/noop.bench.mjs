// Issue 2: a no-op build of 10,000 up-to-date assets (target < 1 s wall, < 5x a 10-asset
// no-op build, peak memory < 300 MB). Issue 9: `plan --json` of 100,000 matrix expansions
// (< 1.5 s, < 200 MB peak RSS) and of 300,000 (linear: per 100,000 within 1.3x).
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

  // Planning at scale (issue 9): `plan --json` of 100,000 matrix expansions < 1.5 s and < 200 MB
  // peak RSS; 300,000 about three times that (linear). The first run expands every variant and
  // writes the expansion cache (.nanobanana/cache/load.json): reported apart, as "cold".
  const perScale = {};
  for (const n of [100_000, 300_000]) {
    const huge = await fakeProject(n);
    try {
      const label = n.toLocaleString("en-US");
      const plan = () => timeNode([CLI, "plan", "-C", huge, "--json"]);
      const cold = plan();
      if (cold.code !== 0) throw new Error(cold.stderr);
      const warm = median(3, plan);
      const out = JSON.parse(warm.stdout);
      if (out.assets.length !== n || out.counts.new !== n) throw new Error(`plan listed ${out.assets.length} of ${n}`);
      perScale[n] = warm;
      const mb = (warm.stdout.length / 1e6).toFixed(0);
      const cpu = (r) => `${r.cpuMs.toFixed(0)} ms CPU`;
      if (n === 100_000) {
        const script = `const t=performance.now();const {loadProject,planProject}=await import(${JSON.stringify(path.resolve("dist/index.js"))});const p=await loadProject({cwd:${JSON.stringify(huge)}});const plan=await planProject(p);if(plan.items.length!==${n})throw new Error("count "+plan.items.length);console.log(JSON.stringify({ms:performance.now()-t,est:plan.estimatedUsd}))`;
        const r = median(3, () => timeNode(["--input-type=module", "-e", script]));
        if (r.code !== 0) throw new Error(r.stderr);
        const inner = JSON.parse(r.stdout);
        rows.push(row(`plan ${label} expansions (load+expand+hash+plan, in process, library)`, `${inner.ms.toFixed(0)} ms`, "-", true));
        rows.push(
          row(
            `plan ${label} expansions (\`plan --json\` CLI wall, ${mb} MB of JSON streamed)`,
            `${warm.ms.toFixed(0)} ms (${cpu(warm)})`,
            "< 1500 ms",
            warm.ms < 1500,
          ),
        );
        rows.push(row(`plan ${label} expansions (peak RSS, CLI)`, `${warm.rssMb.toFixed(0)} MB`, "< 200 MB", warm.rssMb < 200));
      } else {
        const base = perScale[100_000];
        const k = n / 100_000;
        const tRatio = warm.cpuMs / k / base.cpuMs;
        const mRatio = warm.rssMb / k / base.rssMb;
        rows.push(
          row(
            `plan ${label} expansions (CLI wall; per 100,000 ÷ the 100,000 run, by CPU time)`,
            `${warm.ms.toFixed(0)} ms (${cpu(warm)}); ${tRatio.toFixed(2)}x`,
            "≤ 1.3x (linear)",
            tRatio <= 1.3,
          ),
        );
        rows.push(
          row(
            `plan ${label} expansions (peak RSS, CLI; per 100,000 ÷ the 100,000 run)`,
            `${warm.rssMb.toFixed(0)} MB; ${mRatio.toFixed(2)}x`,
            "≤ 1.3x (linear)",
            mRatio <= 1.3,
          ),
        );
      }
      rows.push(
        row(
          `plan ${label} expansions, cold (no expansion cache yet: expands, hashes, writes the cache)`,
          `${cold.ms.toFixed(0)} ms (${cpu(cold)}), ${cold.rssMb.toFixed(0)} MB`,
          "-",
          true,
        ),
      );
    } finally {
      rmSync(huge, { recursive: true, force: true });
    }
  }
  const missed = rows.filter((r) => r.result === "FAIL");
  return {
    name: "no-op builds (issue 2) and planning at scale (issue 9)",
    rows,
    target: "no-op 10,000 < 1 s and < 5x no-op 10, < 300 MB; plan 100,000 < 1.5 s and < 200 MB; 300,000 linear",
    pass: missed.length === 0,
    verdict: missed.length ? `missed: ${missed.map((r) => r.name).join("; ")}` : "all met",
  };
}

await standalone(import.meta, run);
