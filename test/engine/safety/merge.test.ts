import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { splitConflict } from "../../../src/core/lock/conflict-markers.js";
import { mergeLocks } from "../../../src/core/lock/merge.js";
import { parseLock } from "../../../src/core/lock/parse.js";
import { serializeLock } from "../../../src/core/lock/serialize.js";
import type { LockEntry, Lockfile } from "../../../src/core/lock/types.js";
import { startSimulator, type Simulator } from "../../../src/simulator/server.js";
import { tempDir } from "../../helpers/temp-dir.js";
import { CLI, makeProject, runCli, runMain, writeManifest } from "./helpers.js";

const entry = (hash: string, at: string): LockEntry =>
  ({
    hash,
    provider: "apidot",
    model: "nano-banana-2",
    modelId: "nano-banana-2",
    taskId: `t-${hash}`,
    output: "x.png",
    sha256: `s-${hash}`,
    bytes: 1,
    width: 1,
    height: 1,
    format: "png",
    cost: { usd: 0.05, source: "catalog" },
    generatedAt: at,
    spec: {},
  }) as unknown as LockEntry;
const lock = (assets: Record<string, LockEntry>): Lockfile => ({ version: 1, assets });

describe("mergeLocks", () => {
  const base = lock({ a: entry("a1", "2026-01-01"), b: entry("b1", "2026-01-01"), gone: entry("g1", "2026-01-01") });
  it("takes each side's own changes, additions and removals", () => {
    const ours = lock({ a: entry("a2", "2026-02-01"), b: entry("b1", "2026-01-01"), mine: entry("m", "2026-02-01") });
    const theirs = lock({
      a: entry("a1", "2026-01-01"),
      b: entry("b3", "2026-03-01"),
      gone: entry("g1", "2026-01-01"),
      yours: entry("y", "2026-03-01"),
    });
    const r = mergeLocks(base, ours, theirs);
    expect(Object.fromEntries(Object.entries(r.lock.assets).map(([k, v]) => [k, v.hash]))).toEqual({
      a: "a2",
      b: "b3",
      mine: "m",
      yours: "y",
    });
    expect(r.decisions).toEqual([]);
  });
  it("when both changed an asset: the manifests' hash wins, else the newer, flagged", () => {
    const ours = lock({ a: entry("a2", "2026-03-01"), b: entry("b1", "2026-01-01") });
    const theirs = lock({ a: entry("a3", "2026-02-01"), b: entry("b1", "2026-01-01") });
    const byManifest = mergeLocks(base, ours, theirs, new Map([["a", "a3"]]));
    expect(byManifest.lock.assets.a.hash).toBe("a3");
    expect(byManifest.uncertain).toBe(false);
    const byTime = mergeLocks(base, ours, theirs);
    expect(byTime.lock.assets.a.hash).toBe("a2");
    expect(byTime.uncertain).toBe(true);
  });
  it("splits a lockfile with conflict markers into its sides", () => {
    const ours = serializeLock(lock({ a: entry("a1", "x"), c: entry("c", "x") }));
    const theirs = serializeLock(lock({ a: entry("a1", "x"), d: entry("d", "x") }));
    const oursLines = ours.split("\n");
    const theirsLines = theirs.split("\n");
    let i = 0;
    while (oursLines[i] === theirsLines[i]) i++;
    const tail = 3; // "  }", "}", ""
    const conflicted = [
      ...oursLines.slice(0, i),
      "<<<<<<< HEAD",
      ...oursLines.slice(i, -tail),
      "=======",
      ...theirsLines.slice(i, -tail),
      ">>>>>>> other",
      ...oursLines.slice(-tail),
    ].join("\n");
    const sides = splitConflict(conflicted);
    expect(Object.keys(parseLock(sides.ours, "o").assets)).toEqual(["a", "c"]);
    expect(Object.keys(parseLock(sides.theirs, "t").assets)).toEqual(["a", "d"]);
    expect(() => parseLock(conflicted, "nanobanana.lock")).toThrow(/nanobanana lock merge/);
  });
});

describe("git merge of two branches' lockfiles through the merge driver", () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ latencyMs: 30 });
  });
  afterAll(() => sim.close());

  const git = (dir: string, ...args: string[]) =>
    execFileSync("git", args, {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@t", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@t" },
    });
  const build = async (dir: string) => {
    const c = runCli(["build", "-C", dir, "--json"], { NANOBANANA_SIMULATOR_URL: sim.url });
    expect(await c.exit, c.stderr()).toBe(0);
    return JSON.parse(c.stdout()) as { generated: number };
  };

  async function twoBranches(driver: boolean): Promise<string> {
    const dir = makeProject({ count: 2, dir: tempDir("nb-git-") });
    writeFileSync(path.join(dir, ".gitignore"), ".nanobanana/\n");
    if (driver) writeFileSync(path.join(dir, ".gitattributes"), "nanobanana.lock merge=nanobanana\n");
    git(dir, "init", "-q", "-b", "main");
    if (driver) git(dir, "config", "merge.nanobanana.driver", `node ${JSON.stringify(CLI)} lock merge %O %A %B`);
    await build(dir);
    git(dir, "add", "-A");
    git(dir, "commit", "-qm", "base");

    git(dir, "checkout", "-q", "-b", "left");
    writeManifest(dir, "left.yaml", 3, "Left tile", "left");
    expect((await build(dir)).generated).toBe(3);
    git(dir, "add", "-A");
    git(dir, "commit", "-qm", "left assets");

    git(dir, "checkout", "-q", "main");
    git(dir, "checkout", "-q", "-b", "right");
    writeManifest(dir, "right.yaml", 2, "Right tile", "right");
    expect((await build(dir)).generated).toBe(2);
    git(dir, "add", "-A");
    git(dir, "commit", "-qm", "right assets");
    return dir;
  }

  it("merges without conflict and without regenerating anything", async () => {
    const dir = await twoBranches(true);
    const charged = sim.ledger().length;
    git(dir, "merge", "-q", "--no-edit", "left"); // throws on a conflict
    const merged = parseLock(readFileSync(path.join(dir, "nanobanana.lock"), "utf8"), "nanobanana.lock");
    expect(Object.keys(merged.assets).sort()).toEqual(["left-1", "left-2", "left-3", "right-1", "right-2", "tile-1", "tile-2"]);
    expect(git(dir, "status", "--porcelain")).toBe("");
    expect((await build(dir)).generated).toBe(0);
    expect(sim.ledger().length).toBe(charged);
    expect((await runMain(["build", "--check", "-C", dir])).code).toBe(0);
  }, 60_000);

  it("without the driver, `nanobanana lock merge` resolves the conflict markers in place", async () => {
    const dir = await twoBranches(false);
    const charged = sim.ledger().length;
    expect(() => git(dir, "merge", "-q", "--no-edit", "left")).toThrow();
    const plan = await runMain(["plan", "-C", dir]);
    expect(plan.code).toBe(2);
    expect(plan.stderr).toContain("nanobanana lock merge");
    const r = await runMain(["lock", "merge", "-C", dir]);
    expect(r.code, r.stderr).toBe(0);
    expect(Object.keys(parseLock(readFileSync(path.join(dir, "nanobanana.lock"), "utf8"), "l").assets)).toHaveLength(7);
    expect((await build(dir)).generated).toBe(0);
    expect(sim.ledger().length).toBe(charged);
  }, 60_000);
});
