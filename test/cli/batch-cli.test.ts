import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startSimulator, type Simulator } from "../../src/simulator/server.js";
import { makeProject, runCli } from "../engine/safety/helpers.js";

let sim: Simulator;
/** The simulator's clock stands still while this is set: the job cannot end before `cancel`, however loaded the machine. */
let heldAt: number | undefined;
beforeAll(async () => {
  sim = await startSimulator({ batchLatencyMs: 400, now: () => heldAt ?? Date.now() });
});
afterAll(() => sim.close());

it("build --batch --no-wait leaves the job; status shows it; batch cancel says what was paid; the next build collects and resubmits", async () => {
  const dir = makeProject({ count: 4 });
  writeFileSync(
    path.join(dir, "nanobanana.config.yaml"),
    `provider: gemini\nsimulate: true\ndefaults: { model: nano-banana-2, resolution: 0.5K, aspectRatio: "1:1", format: png }\nproviders:\n  gemini: { pollIntervalMs: 20 }\n`,
  );
  const env = { NANOBANANA_SIMULATOR_URL: sim.url };
  heldAt = Date.now();
  const left = runCli(["build", "-C", dir, "--batch", "--no-wait", "--json"], env);
  expect(await left.exit, left.stderr()).toBe(0);
  const r = JSON.parse(left.stdout());
  expect(r.generated).toBe(0);
  expect(r.batchJobs).toHaveLength(1);
  const status = runCli(["status", "-C", dir, "--json"], env);
  expect(await status.exit, status.stderr()).toBe(0);
  const jobs = JSON.parse(status.stdout()).batchJobs;
  expect(jobs[0]).toMatchObject({ requests: 4 });
  expect(["PENDING", "RUNNING"]).toContain(jobs[0].state);
  const cancel = runCli(["batch", "cancel", "-C", dir], env);
  expect(await cancel.exit, cancel.stderr()).toBe(0);
  expect(cancel.stdout()).toMatch(/cancelled, \d of 4 requests done \(\$[\d.]+ paid\)/);
  heldAt = undefined;
  const paid = sim.ledger().length;
  const again = runCli(["build", "-C", dir, "--batch", "--json"], env);
  // What the cancelled job did not run is reported failed (exit 1) and goes back to "to generate".
  expect(await again.exit, again.stderr()).toBe(paid < 4 ? 1 : 0);
  expect(JSON.parse(again.stdout())).toMatchObject({ generated: paid, failed: 4 - paid });
  const last = runCli(["build", "-C", dir, "--batch", "--json"], env);
  expect(await last.exit, last.stderr()).toBe(0);
  // Every asset paid exactly once across the cancelled job and the new one.
  expect(sim.ledger()).toHaveLength(4);
  expect(new Set(sim.ledger().map((c) => c.prompt)).size).toBe(4);
}, 60_000);

it("status reports a batch journal file it refuses (and asks the provider nothing for it)", async () => {
  const dir = makeProject({ count: 1 });
  writeFileSync(
    path.join(dir, "nanobanana.config.yaml"),
    `provider: gemini\nsimulate: true\ndefaults: { model: nano-banana-2, resolution: 0.5K, aspectRatio: "1:1", format: png }\n`,
  );
  mkdirSync(path.join(dir, ".nanobanana", "batches"), { recursive: true });
  writeFileSync(path.join(dir, ".nanobanana", "batches", "evil.json"), JSON.stringify({ displayName: "../../victim", items: [] }));
  const env = { NANOBANANA_SIMULATOR_URL: sim.url };
  const before = Object.values(sim.requestCounts()).reduce((s, n) => s + n, 0);
  const json = runCli(["status", "-C", dir, "--json"], env);
  expect(await json.exit, json.stderr()).toBe(0);
  expect(JSON.parse(json.stdout()).batchRejected).toEqual([
    { file: path.join(".nanobanana", "batches", "evil.json"), problem: expect.stringMatching(/^displayName: is not a batch display name/) },
  ]);
  const text = runCli(["status", "-C", dir], env);
  expect(await text.exit, text.stderr()).toBe(0);
  expect(text.stdout()).toMatch(/ignored \.nanobanana\/batches\/evil\.json: displayName: is not a batch display name/);
  expect(Object.values(sim.requestCounts()).reduce((s, n) => s + n, 0)).toBe(before);
}, 30_000);
