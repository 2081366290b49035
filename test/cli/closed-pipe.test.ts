import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { CLI, makeProject } from "../engine/safety/helpers.js";

/** Runs the built CLI with stdout closed by the reader before the first write, like `| head -0`. */
function withClosedStdout(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const proc = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"] });
  proc.stdout.destroy();
  let stderr = "";
  proc.stderr.on("data", (d) => (stderr += d));
  return new Promise((resolve) => proc.on("close", (code) => resolve({ code, stderr })));
}

describe("output to a closed pipe", () => {
  it("plan | head ends quietly with plan's exit code", async () => {
    const dir = makeProject({ count: 40 });
    const r = await withClosedStdout(["plan", "-C", dir]);
    expect(r).toEqual({ code: 0, stderr: "" });
    expect((await withClosedStdout(["plan", "--json", "-C", dir])).code).toBe(0);
  });

  it("build --check | head ends quietly and still exits 1 for a stale project", async () => {
    const dir = makeProject({ count: 40 });
    const r = await withClosedStdout(["build", "--check", "-C", dir]);
    expect(r).toEqual({ code: 1, stderr: "" });
  });
});
