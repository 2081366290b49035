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
    const dir = makeProject({ count: 6 });
    const env = { NANOBANANA_SIMULATOR_URL: sim.url };
    const before = sim.ledger().length;
    const first = runCli(["build", "-C", dir], env);
    await until(() => /submitted/.test(first.stderr()));
    expect(existsSync(path.join(dir, ".nanobanana", "build.lock"))).toBe(true);

    const second = await runMain(["build", "-C", dir], env);
    expect(second.code, second.stderr + second.stdout).toBe(2);
    expect(second.stderr).toMatch(
      /another nanobanana build is running in this project \(pid \d+ on .+\); wait for it, or rerun with --wait/,
    );

    const waiting = runCli(["build", "-C", dir, "--wait", "--json"], env);
    await until(() => /waiting for it/.test(waiting.stderr()));
    expect(await first.exit).toBe(0);
    expect(await waiting.exit).toBe(0);
    const out = JSON.parse(waiting.stdout());
    expect(out.generated).toBe(0);
    expect(out.upToDate).toBe(6);
    expect(sim.ledger().length - before).toBe(6);
    expect(existsSync(path.join(dir, ".nanobanana", "build.lock"))).toBe(false);
  }, 60_000);

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
