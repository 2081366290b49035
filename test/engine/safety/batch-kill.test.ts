import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { parseLock } from "../../../src/core/lock/parse.js";
import { startSimulator, type Simulator } from "../../../src/simulator/server.js";
import { makeProject, runCli } from "./helpers.js";

const ASSETS = 120;
const PER_JOB = 40;

let sim: Simulator;
beforeAll(async () => {
  // A standalone simulator: its jobs outlive each killed build, like Google's.
  sim = await startSimulator({ batchLatencyMs: 300 });
});
afterAll(() => sim.close());

/** Resolves once `check` holds, polling the simulator's counters (no timer decides the kill). */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 5));
}

async function jobsAtSimulator(): Promise<string[]> {
  const res = await fetch(`${sim.url}/v1beta/batches?pageSize=1000`, { headers: { "x-goog-api-key": "k" } });
  return ((await res.json()) as { operations: { metadata: { displayName: string } }[] }).operations.map((o) => o.metadata.displayName);
}

it(`SIGKILL during upload, create, poll and collection, each followed by a rerun: one job per chunk, one charge per asset`, async () => {
  const dir = makeProject({ count: ASSETS });
  writeFileSync(
    path.join(dir, "nanobanana.config.yaml"),
    `provider: gemini\nbatch: true\nsimulate: true\ndefaults: { model: nano-banana-2, resolution: 0.5K, aspectRatio: "1:1", format: png }\nproviders:\n  gemini: { pollIntervalMs: 20, batchMaxRequests: ${PER_JOB} }\n`,
  );
  const env = { NANOBANANA_SIMULATOR_URL: sim.url };
  const faults = () => sim.faultCounts();
  const store = path.join(dir, ".nanobanana/store");
  const kills: Array<{ at: string; faults?: string; when: () => boolean }> = [
    // The bytes of an upload arrive and the answer never comes.
    { at: "upload", faults: "gemini.upload:hang@2", when: () => (faults()["gemini.upload:hang"] ?? 0) > 0 },
    // A create reaches Google (the job exists, paid) and its answer is lost.
    { at: "create", faults: "gemini.batch.create:hang@1", when: () => (faults()["gemini.batch.create:hang"] ?? 0) > 0 },
    // While polling.
    { at: "poll", when: () => (sim.requestCounts()["gemini.batch.get"] ?? 0) > polls + 2 },
    // While collecting: the results stream in, and the end never comes.
    {
      at: "collect",
      faults: "gemini.download:hang",
      when: () => (faults()["gemini.download:hang"] ?? 0) > 0 && existsSync(store) && readdirSync(store).length > 0,
    },
  ];
  let polls = 0;
  for (const k of kills) {
    sim.setFaults(k.faults);
    polls = sim.requestCounts()["gemini.batch.get"] ?? 0;
    const child = runCli(["build", "-C", dir], env);
    await until(k.when);
    child.proc.kill("SIGKILL");
    await child.exit;
    expect(sim.ledger().length, `charges after the kill during ${k.at}`).toBeLessThanOrEqual(ASSETS);
  }
  sim.setFaults(undefined);
  const final = runCli(["build", "-C", dir, "--json"], env);
  expect(await final.exit, final.stderr()).toBe(0);
  expect(JSON.parse(final.stdout()).failed).toBe(0);
  const lock = parseLock(readFileSync(path.join(dir, "nanobanana.lock"), "utf8"), "nanobanana.lock");
  expect(Object.keys(lock.assets)).toHaveLength(ASSETS);
  for (const e of Object.values(lock.assets)) expect(readFileSync(path.join(dir, e.output)).length).toBe(e.bytes);
  // Exactly one job per chunk of 40, and one charge per asset.
  const jobs = await jobsAtSimulator();
  expect(jobs).toHaveLength(ASSETS / PER_JOB);
  expect(new Set(jobs).size).toBe(jobs.length);
  const prompts = sim.ledger().map((c) => c.prompt);
  expect(prompts).toHaveLength(ASSETS);
  expect(new Set(prompts).size).toBe(ASSETS);
  expect(readdirSync(path.join(dir, ".nanobanana/batches")).filter((f) => f.endsWith(".json"))).toEqual([]);
}, 120_000);
