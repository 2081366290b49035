import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../../helpers/temp-dir.js";
import { makeProject, runMain } from "./helpers.js";

/** A project inside a parent folder that also holds a file the build must never touch. */
function projectWithVictim(count = 2) {
  const parent = tempDir("nb-hostile-");
  const dir = path.join(parent, "a", "b");
  mkdirSync(dir, { recursive: true });
  makeProject({ count, dir, config: "simulator: { latencyMs: 10 }\n" });
  writeFileSync(path.join(parent, "a", "victim.json"), "precious");
  writeFileSync(path.join(parent, "victim.json"), "precious too");
  writeFileSync(path.join(dir, "victim.json"), "in the project, not ours");
  return { parent, dir };
}

const evil = (hash: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    hash,
    name: "tile-1",
    provider: "apidot",
    taskId: "t1",
    submittedAt: "2026-01-01T00:00:00Z",
    simulated: true,
    ...extra,
  });

describe("state read from disk is validated", () => {
  it('a crafted journal file ("hash": "../../victim") deletes nothing and is reported', async () => {
    const { parent, dir } = projectWithVictim();
    const tasks = path.join(dir, ".nanobanana", "tasks");
    mkdirSync(tasks, { recursive: true });
    writeFileSync(path.join(tasks, "evil.json"), evil("../../victim"));
    writeFileSync(path.join(tasks, "evil2.json"), evil("../../../../victim"));
    // A valid hash under the wrong file name is refused too: remove() would delete another file.
    writeFileSync(path.join(tasks, "other.json"), evil("a".repeat(64)));
    const r = await runMain(["build", "-C", dir]);
    expect(r.code).toBe(0);
    expect(readFileSync(path.join(parent, "a", "victim.json"), "utf8")).toBe("precious");
    expect(readFileSync(path.join(parent, "victim.json"), "utf8")).toBe("precious too");
    expect(readFileSync(path.join(dir, "victim.json"), "utf8")).toBe("in the project, not ours");
    expect(r.stderr + r.stdout).toMatch(/ignored \.nanobanana\/tasks\/evil\.json: hash: is not a spec hash/);
    expect(r.stderr + r.stdout).toMatch(/other\.json: hash a{64} does not match the file name/);
    // Left in place for the user to look at.
    expect(existsSync(path.join(tasks, "evil.json"))).toBe(true);
    expect(existsSync(path.join(dir, "generated", "tile-2.png"))).toBe(true);
  });

  it("a journal entry whose output leaves the project is refused", async () => {
    const { dir } = projectWithVictim(1);
    const tasks = path.join(dir, ".nanobanana", "tasks");
    mkdirSync(tasks, { recursive: true });
    const h = "b".repeat(64);
    writeFileSync(path.join(tasks, `${h}.json`), evil(h, { output: "../../victim.json", spec: {} }));
    const r = await runMain(["build", "-C", dir]);
    expect(r.code).toBe(0);
    expect(r.stderr + r.stdout).toMatch(/output: must be a path inside the project/);
  });

  it("a null lock entry is a user error with file:line and exit 2, not a crash", async () => {
    const { dir } = projectWithVictim(2);
    expect((await runMain(["build", "-C", dir])).code).toBe(0);
    const lockFile = path.join(dir, "nanobanana.lock");
    const lock = JSON.parse(readFileSync(lockFile, "utf8"));
    lock.assets["tile-2"] = null;
    writeFileSync(lockFile, JSON.stringify(lock, null, 2));
    const line =
      JSON.stringify(lock, null, 2)
        .split("\n")
        .findIndex((l) => l.includes('"tile-2"')) + 1;
    for (const cmd of ["build", "plan", "status"]) {
      const r = await runMain([cmd, "-C", dir]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`nanobanana.lock:${line}:`);
      expect(r.stderr).toMatch(/assets\.tile-2: is empty/);
      expect(r.stderr).not.toMatch(/TypeError|at .*\.ts:\d+/);
    }
  });

  it("a lock entry with a crafted output or hash is a user error naming the field", async () => {
    const { dir } = projectWithVictim(1);
    expect((await runMain(["build", "-C", dir])).code).toBe(0);
    const lockFile = path.join(dir, "nanobanana.lock");
    const good = readFileSync(lockFile, "utf8");
    writeFileSync(lockFile, good.replace(/"output": "[^"]+"/, '"output": "../../victim.json"'));
    let r = await runMain(["build", "-C", dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /nanobanana\.lock:\d+:\d+ +assets\.tile-1\.output: "\.\.\/\.\.\/victim\.json" must be a path inside the project/,
    );
    writeFileSync(lockFile, good.replace(/"hash": "[^"]+"/, '"hash": "../../victim"'));
    r = await runMain(["gc", "-C", dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/assets\.tile-1\.hash: "\.\.\/\.\.\/victim" is not a spec hash/);
  });

  it("a crafted store sidecar is never restored from", async () => {
    const { dir } = projectWithVictim(1);
    expect((await runMain(["build", "-C", dir])).code).toBe(0);
    const lock = JSON.parse(readFileSync(path.join(dir, "nanobanana.lock"), "utf8"));
    const entry = lock.assets["tile-1"];
    const meta = path.join(dir, ".nanobanana", "store", entry.hash.slice(0, 2), `${entry.hash}.json`);
    writeFileSync(meta, JSON.stringify({ ...entry, output: "../../victim.json" }));
    const { rmSync } = await import("node:fs");
    rmSync(path.join(dir, "generated", "tile-1.png"));
    const r = await runMain(["build", "-C", dir, "--json"]);
    expect(r.code).toBe(0);
    // Not restored from the crafted sidecar: generated again (one more charge).
    expect(JSON.parse(r.stdout).costUsd).toBeGreaterThan(0);
    expect(existsSync(path.join(dir, "generated", "tile-1.png"))).toBe(true);
  });
});
