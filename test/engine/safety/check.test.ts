import { readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../../helpers/temp-dir.js";
import { makeProject, runMain, writeManifest } from "./helpers.js";

async function builtProject(count = 3): Promise<string> {
  const dir = makeProject({ count, config: "simulator: { latencyMs: 20 }\n" });
  const r = await runMain(["build", "-C", dir]);
  expect(r.code, r.stderr).toBe(0);
  return dir;
}

async function check(dir: string, ...more: string[]) {
  return runMain(["build", "--check", "--json", "-C", dir, ...more]);
}

describe("build --check", () => {
  it("exits 0 when everything matches, and writes nothing", async () => {
    const dir = await builtProject();
    const lock = readFileSync(path.join(dir, "nanobanana.lock"), "utf8");
    const r = await check(dir, "--verify");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, checked: 3, problems: [] });
    expect(readFileSync(path.join(dir, "nanobanana.lock"), "utf8")).toBe(lock);
  });

  it("reports each stale state with exit 1", async () => {
    const dir = await builtProject(4);
    const lockBefore = readFileSync(path.join(dir, "nanobanana.lock"), "utf8");
    // stale: prompt of tile-1 changed; missing: a new asset; orphaned: tile-4 removed (matrix 1..3 + extra)
    writeFileSync(
      path.join(dir, "assets", "assets.yaml"),
      `assets:\n  - name: "tile-{{n}}"\n    prompt: "Test tile number {{n}}."\n    matrix: { n: [2, 3] }\n  - name: tile-1\n    prompt: "Changed tile."\n  - name: brand-new\n    prompt: "New."\n`,
    );
    rmSync(path.join(dir, "generated", "tile-2.png")); // output missing
    const t3 = path.join(dir, "generated", "tile-3.png");
    const bytes = readFileSync(t3);
    bytes[bytes.length - 5] ^= 0xff; // same size, different content: only --verify sees it
    writeFileSync(t3, bytes);

    const plain = JSON.parse((await check(dir)).stdout);
    const kinds = Object.fromEntries(plain.problems.map((p: { name: string; kind: string }) => [p.name, p.kind]));
    expect(kinds).toEqual({ "tile-1": "stale", "brand-new": "missing", "tile-2": "output-missing", "tile-4": "orphaned" });
    const verified = await check(dir, "--verify");
    expect(verified.code).toBe(1);
    expect(JSON.parse(verified.stdout).problems.find((p: { name: string }) => p.name === "tile-3").kind).toBe("modified");
    const stale = JSON.parse(verified.stdout).problems.find((p: { name: string }) => p.name === "tile-1");
    expect(stale.source).toMatchObject({ file: "assets.yaml".replace(/^/, "assets/"), line: 5 });
    expect(readFileSync(path.join(dir, "nanobanana.lock"), "utf8")).toBe(lockBefore);
  });

  it("flags simulated images when the config builds for real", async () => {
    const dir = await builtProject(2);
    const cfg = path.join(dir, "nanobanana.config.yaml");
    writeFileSync(cfg, readFileSync(cfg, "utf8").replace("simulate: true", "simulate: false"));
    const r = await check(dir);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).problems.map((p: { kind: string }) => p.kind)).toEqual(["simulated", "simulated"]);
  });

  it("prints GitHub annotations at the manifest line, and a step summary after builds", async () => {
    const dir = await builtProject(2);
    writeManifest(dir, "assets.yaml", 2, "Edited tile");
    const summary = path.join(tempDir("nb-gh-"), "summary.md");
    const env = { GITHUB_ACTIONS: "true", GITHUB_WORKSPACE: dir, GITHUB_STEP_SUMMARY: summary };
    const r = await runMain(["build", "--check", "-C", dir], env);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("::error file=assets/assets.yaml,line=2,col=5,title=nanobanana%3A stale::tile-1: stale: prompt changed");
    const checked = readFileSync(summary, "utf8");
    expect(checked).toContain("### nanobanana check: 2 of 2 assets not up to date");
    expect(checked).toContain("| `tile-1` | stale | assets/assets.yaml:2 |");
    const b = await runMain(["build", "-C", dir], env);
    expect(b.code).toBe(0);
    const md = readFileSync(summary, "utf8");
    expect(md).toContain("| 2 | 0 | 0 | 0 | 0 | $0.07 |");
    expect(md).toContain("| nano-banana-2 | $0.07 |");
    // The assets the build changed, each with its cost.
    expect(md).toContain("**Changed (2):**");
    expect(md).toMatch(/\| `tile-1` \| `generated\/tile-1\.png` \| \$0\.0\d+ \|/);
  });
});
