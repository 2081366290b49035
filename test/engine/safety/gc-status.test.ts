import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { makeProject, runMain, writeManifest } from "./helpers.js";

const storeCount = (dir: string) =>
  readdirSync(path.join(dir, ".nanobanana", "store"), { recursive: true }).filter((f) => String(f).endsWith(".img")).length;

describe("status and gc", () => {
  it("status shows the lock by provider and model with the total spend", async () => {
    const dir = makeProject({ count: 3, config: "simulator: { latencyMs: 10 }\n" });
    expect((await runMain(["build", "-C", dir])).code).toBe(0);
    const r = await runMain(["status", "-C", dir, "--json"]);
    expect(JSON.parse(r.stdout)).toMatchObject({
      assets: 3,
      totalUsd: 0.105,
      groups: [{ provider: "apidot", model: "nano-banana-2", assets: 3, usd: 0.105, simulated: 3 }],
      orphaned: 0,
      pendingTasks: 0,
    });
    expect((await runMain(["status", "-C", dir])).stdout).toMatch(/apidot nano-banana-2\s+3 assets\s+\$0\.10/);
  });

  it("gc removes what no manifest asks for (dry run first), never other files", async () => {
    const dir = makeProject({ count: 3, config: "simulator: { latencyMs: 10 }\n" });
    expect((await runMain(["build", "-C", dir])).code).toBe(0);
    writeFileSync(path.join(dir, "generated", "README.txt"), "mine");
    writeFileSync(path.join(dir, "generated", ".tile-1.png.999.1.tmp"), "torn");
    writeManifest(dir, "assets.yaml", 2, "Test tile");
    const dry = await runMain(["gc", "-C", dir, "--dry-run", "--json"]);
    expect(JSON.parse(dry.stdout)).toMatchObject({
      outputs: ["generated/.tile-1.png.999.1.tmp", "generated/tile-3.png"],
      lockEntries: ["tile-3"],
      dryRun: true,
    });
    expect(existsSync(path.join(dir, "generated", "tile-3.png"))).toBe(true);
    expect(storeCount(dir)).toBe(3);

    const r = await runMain(["gc", "-C", dir, "--json"]);
    expect(JSON.parse(r.stdout).store).toHaveLength(1);
    expect(existsSync(path.join(dir, "generated", "tile-3.png"))).toBe(false);
    expect(readFileSync(path.join(dir, "generated", "README.txt"), "utf8")).toBe("mine");
    expect(storeCount(dir)).toBe(2);
    expect(Object.keys(JSON.parse(readFileSync(path.join(dir, "nanobanana.lock"), "utf8")).assets)).toEqual(["tile-1", "tile-2"]);
    expect((await runMain(["build", "--check", "-C", dir, "--verify"])).code).toBe(0);
  });
});
