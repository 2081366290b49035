import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { main } from "../../../src/cli/run.js";
import { startSimulator, type Simulator } from "../../../src/simulator/server.js";
import { tempProject } from "../../helpers/fault-project.js";

let sim: Simulator | undefined;
const mounted: string[] = [];
afterEach(async () => {
  await sim?.close();
  sim = undefined;
  for (const dir of mounted.splice(0)) execFileSync("umount", [dir]);
});

/** A real full disk where the journal lives: a one-page tmpfs, filled. Needs root. */
function fullJournal(root: string): void {
  const dir = path.join(root, ".nanobanana", "tasks");
  mkdirSync(dir, { recursive: true });
  execFileSync("mount", ["-t", "tmpfs", "-o", "size=4k", "tmpfs", dir]);
  mounted.push(dir);
  try {
    writeFileSync(path.join(dir, "filler"), Buffer.alloc(64 * 1024));
  } catch {
    // full now: that is the point
  }
}

describe.skipIf(process.getuid?.() !== 0)("a build whose task journal cannot be written", () => {
  it("submits nothing, says why, and exits 1 (a build that cannot record must not spend)", async () => {
    sim = await startSimulator({ latencyMs: 20 });
    const root = tempProject({ assets: 3, simulate: false, apidot: `{ baseUrl: "${sim.url}", timeoutMs: 400, pollIntervalMs: 20 }` });
    fullJournal(root);
    let out = "";
    const stream = { write: (s: string) => ((out += s), true), isTTY: false } as unknown as NodeJS.WriteStream;
    const code = await main(["build", "-C", root, "--json"], {
      stdout: stream,
      stderr: stream,
      env: { APIDOT_API_KEY: "k-1", NO_COLOR: "1" },
    });
    expect(code).toBe(1);
    expect(sim.ledger()).toHaveLength(0);
    expect(sim.requestCounts()["apidot.submit"] ?? 0).toBe(0);
    const json = JSON.parse(out.slice(out.indexOf("{")));
    expect(json.journalError).toMatch(/ENOSPC/);
    expect(json.assets.map((a: { error: string }) => a.error)).toEqual(
      Array(3).fill(expect.stringMatching(/task journal cannot be written/)),
    );
    expect(readdirSync(path.join(root, ".nanobanana", "tasks")).filter((f) => f.endsWith(".json"))).toEqual([]);
  });
});
