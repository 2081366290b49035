import { spawn } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type Simulator } from "../../../src/simulator/server.js";
import { makeProject, runCli, runMain, until } from "./helpers.js";

describe("two builds in one project", () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ latencyMs: 3000 });
    await import("../../../src/cli/run.js"); // warm: the in-process CLI must answer while the child still builds
  });
  afterAll(() => sim.close());

  it("the second stops with a clear message, or waits with --wait; nothing is paid twice", async () => {
    // The first build is a process we control, so nothing here races a build that might finish
    // early on a loaded machine: it holds the lock until the test ends it.
    const dir = makeProject({ count: 6 });
    const env = { NANOBANANA_SIMULATOR_URL: sim.url };
    const before = sim.ledger().length;
    const holder = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
    mkdirSync(path.join(dir, ".nanobanana"), { recursive: true });
    writeFileSync(
      path.join(dir, ".nanobanana", "build.lock"),
      JSON.stringify({ pid: holder.pid, hostname: hostname(), startedAt: new Date().toISOString(), command: "build" }),
    );
    try {
      const second = await runMain(["build", "-C", dir], env);
      expect(second.code, second.stderr + second.stdout).toBe(2);
      expect(second.stderr).toMatch(
        new RegExp(`another nanobanana build is running in this project \\(pid ${holder.pid} on .+\\); wait for it, or rerun with --wait`),
      );
      expect(sim.ledger().length).toBe(before);

      const waiting = runCli(["build", "-C", dir, "--wait", "--json"], env);
      await until(() => /waiting for it/.test(waiting.stderr()), 120_000);
      expect(sim.ledger().length).toBe(before);
      holder.kill("SIGKILL"); // the holder ends: its lock is stale and the waiting build takes over
      expect(await waiting.exit).toBe(0);
      expect(JSON.parse(waiting.stdout()).generated).toBe(6);
    } finally {
      holder.kill("SIGKILL");
    }
    const again = await runMain(["build", "-C", dir, "--json"], env);
    expect(JSON.parse(again.stdout).upToDate).toBe(6);
    expect(sim.ledger().length - before).toBe(6);
    expect(existsSync(path.join(dir, ".nanobanana", "build.lock"))).toBe(false);
  }, 180_000);

  it("a real build releases the lock when it ends", async () => {
    const dir = makeProject({ count: 2 });
    const first = runCli(["build", "-C", dir], { NANOBANANA_SIMULATOR_URL: sim.url });
    await until(() => /submitted/.test(first.stderr()), 120_000);
    expect(await first.exit).toBe(0);
    expect(existsSync(path.join(dir, ".nanobanana", "build.lock"))).toBe(false);
  }, 180_000);

  it("takes over the lock of a build that died (dead pid)", async () => {
    const dir = makeProject({ count: 1, config: "simulator: { latencyMs: 10 }\n" });
    mkdirSync(path.join(dir, ".nanobanana"), { recursive: true });
    writeFileSync(
      path.join(dir, ".nanobanana", "build.lock"),
      JSON.stringify({ pid: 2 ** 22 + 12345, hostname: hostname(), startedAt: "2026-01-01T00:00:00Z", command: "build" }),
    );
    const r = await runMain(["build", "-C", dir]);
    expect(r.code, r.stderr).toBe(0);
  });
});
