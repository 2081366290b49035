import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { BatchJournal, type BatchRecord } from "../../../src/engine/batch/job-journal.js";
import { build, loadProject } from "../../../src/all.js";
import { startSimulator, type Simulator } from "../../../src/simulator/index.js";
import type { BuildEvent } from "../../../src/engine/build/events.js";
import { tempDir } from "../../helpers/temp-dir.js";
import { makeProject } from "../safety/helpers.js";

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ batchLatencyMs: 100, latencyMs: 5 });
});
afterAll(() => sim.close());

function geminiProject(count: number): string {
  const dir = makeProject({ count, dir: tempDir("nb-batchjournal-") });
  writeFileSync(
    path.join(dir, "nanobanana.config.yaml"),
    `provider: gemini\nbatch: true\nsimulate: true\ndefaults: { model: nano-banana-2, resolution: 0.5K, aspectRatio: "1:1", format: png }\nproviders:\n  gemini: { pollIntervalMs: 20 }\n`,
  );
  return dir;
}

/** A record as a build writes it, for the project's first asset. */
function goodRecord(dir: string): BatchRecord {
  const a = loadProject({ cwd: dir }).assets[0];
  return {
    displayName: "nanobanana-2026-01-02-0123456789ab",
    provider: "gemini",
    simulated: true,
    modelId: a.spec.modelId,
    createdAt: "2026-01-02T03:04:05.000Z",
    items: [{ hash: a.hash, name: a.name, output: a.output, spec: a.spec }],
  };
}

const stateDir = (dir: string) => path.join(dir, ".nanobanana");

function put(dir: string, file: string, content: unknown): void {
  mkdirSync(path.join(stateDir(dir), "batches"), { recursive: true });
  writeFileSync(path.join(stateDir(dir), "batches", file), JSON.stringify(content));
}

it("load() takes a record as a build writes it, and refuses crafted ones (listed in rejected, left in place)", () => {
  const dir = geminiProject(1);
  const good = goodRecord(dir);
  const journal = new BatchJournal(stateDir(dir));
  journal.record(good);
  const item = good.items[0];
  const crafted: Record<string, unknown> = {
    "traversal.json": { ...good, displayName: "../../victim" },
    "renamed.json": good,
    "output.json": { ...good, displayName: "nanobanana-2026-01-02-00000000000a", items: [{ ...item, output: "../outside.png" }] },
    "format.json": {
      ...good,
      displayName: "nanobanana-2026-01-02-00000000000b",
      items: [{ ...item, spec: { ...item.spec, format: "png/../../../x" } }],
    },
    "hash.json": { ...good, displayName: "nanobanana-2026-01-02-00000000000c", items: [{ ...item, hash: "../../../x" }] },
    "job.json": { ...good, displayName: "nanobanana-2026-01-02-00000000000d", jobName: "batches/../../files/x" },
    "extra.json": { ...good, displayName: "nanobanana-2026-01-02-00000000000e", surprise: 1 },
    "empty.json": { ...good, displayName: "nanobanana-2026-01-02-00000000000f", items: [] },
  };
  for (const [file, content] of Object.entries(crafted)) put(dir, file, content);
  writeFileSync(path.join(stateDir(dir), "batches", "torn.json"), '{"displayName": "nano');

  const loaded = journal.load();
  expect(loaded).toEqual([good]);
  const problems = Object.fromEntries(journal.rejected.map((r) => [path.basename(r.file), r.problem]));
  expect(Object.keys(problems).sort()).toEqual(Object.keys(crafted).sort());
  expect(problems["traversal.json"]).toMatch(/^displayName: is not a batch display name/);
  expect(problems["renamed.json"]).toMatch(/does not match the file name/);
  expect(problems["output.json"]).toMatch(/^items\.0\.output: must be a path inside the project/);
  expect(problems["format.json"]).toMatch(/^items\.0\.spec\.format/);
  expect(problems["hash.json"]).toMatch(/^items\.0\.hash: is not a spec hash/);
  expect(problems["job.json"]).toMatch(/^jobName: is not a batch job name/);
  expect(problems["extra.json"]).toMatch(/surprise/);
  expect(problems["empty.json"]).toMatch(/^items/);
  // Nothing is deleted: a rejected file is the user's to look at.
  expect(readdirSync(path.join(stateDir(dir), "batches")).length).toBe(Object.keys(crafted).length + 2);
  // And no path is ever made of an unchecked display name.
  expect(() => journal.remove("../../victim")).toThrow(/batch display name/);
});

it("a build ignores a crafted record (warns, never deletes outside the journal, pays nothing for it) and builds as usual", async () => {
  const dir = geminiProject(2);
  const victim = path.join(dir, "victim.json");
  writeFileSync(victim, "keep me");
  // Not found by its display name, an unchecked record would be removed: .nanobanana/batches/../../victim.json.
  put(dir, "evil.json", { ...goodRecord(dir), displayName: "../../victim" });
  const events: BuildEvent[] = [];
  const r = await build(loadProject({ cwd: dir }), { simulatorUrl: sim.url, onEvent: (e) => events.push(e) });
  expect(r).toMatchObject({ generated: 2, failed: 0 });
  expect(readFileSync(victim, "utf8")).toBe("keep me");
  expect(existsSync(path.join(stateDir(dir), "batches", "evil.json"))).toBe(true);
  const warnings = events.flatMap((e) => (e.type === "warning" ? [e.message] : []));
  expect(warnings).toContainEqual(
    expect.stringMatching(/^ignored \.nanobanana\/batches\/evil\.json: displayName: is not a batch display name/),
  );
  expect(sim.ledger()).toHaveLength(2);
  expect(sim.requestCounts()["gemini.batch.create"]).toBe(1);
}, 30_000);
