import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { age } from "../../src/cli/tasks-command.js";
import { loadProject } from "../../src/engine/load/load.js";
import { makeProject, runMain } from "../engine/safety/helpers.js";

function journal(dir: string, entries: Record<string, unknown>[]): void {
  const tasks = path.join(dir, ".nanobanana", "tasks");
  mkdirSync(tasks, { recursive: true });
  for (const e of entries) writeFileSync(path.join(tasks, `${e.hash}.json`), JSON.stringify(e));
}

describe("nanobanana tasks", () => {
  it("lists journalled tasks with age and state, and forget settles one saying what it costs", async () => {
    const dir = makeProject({ count: 2 });
    const [a1] = loadProject({ cwd: dir }).assets;
    const old = new Date(Date.now() - (2 * 86_400_000 + 3 * 3_600_000)).toISOString();
    journal(dir, [
      { hash: a1.hash, name: "tile-1", provider: "apidot", taskId: "ad_stuck", submittedAt: old, simulated: true },
      { hash: "c".repeat(64), name: "gone", provider: "apidot", taskId: "", key: "k1", submittedAt: old, simulated: true },
    ]);
    const list = await runMain(["tasks", "-C", dir]);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/tile-1 {2}apidot {2}task ad_stuck {2}2d 3h old {2}\(simulated; the next build collects it\)/);
    expect(list.stdout).toMatch(/gone {2}apidot {2}submit with no answer {2}2d 3h old .*spec changed since/);
    expect(list.stdout).toMatch(/2 journalled tasks; settle one with nanobanana tasks forget ID/);
    const json = JSON.parse((await runMain(["tasks", "-C", dir, "--json"])).stdout);
    expect(json.tasks.map((t: { state: string }) => t.state)).toEqual(["submitted", "unanswered"]);

    const dry = await runMain(["tasks", "forget", "ad_stuck", "-C", dir, "--dry-run"]);
    expect(dry.stdout).toMatch(/would forget task ad_stuck of tile-1/);
    expect(existsSync(path.join(dir, ".nanobanana", "tasks", `${a1.hash}.json`))).toBe(true);

    const r = await runMain(["tasks", "forget", "ad_stuck", "-C", dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/forgot task ad_stuck of tile-1 \(apidot, 2d 3h old\)/);
    expect(r.stdout).toMatch(/not refunded; the next build submits tile-1 again and pays about \$0\.03\d* more/);
    expect(existsSync(path.join(dir, ".nanobanana", "tasks", `${a1.hash}.json`))).toBe(false);
    const gone = await runMain(["tasks", "forget", "gone", "-C", dir]);
    expect(gone.stdout).toMatch(/no current asset has its spec, so nothing is submitted again/);
    expect((await runMain(["tasks", "-C", dir])).stdout).toMatch(/^0 journalled tasks\n$/);
  });

  it("an unknown or ambiguous id is a usage error (exit 2)", async () => {
    const dir = makeProject({ count: 1 });
    const r = await runMain(["tasks", "forget", "nope", "-C", dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no journalled task matches "nope"/);
    expect((await runMain(["tasks", "drop", "-C", dir])).code).toBe(2);
  });

  it("ages read at a glance", () => {
    expect([age(0), age(40_000), age(3_725_000), age(90_061_000)]).toEqual(["0s", "40s", "1h 2m", "1d 1h"]);
  });
});
