import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import sharp from "sharp";
import { afterEach, describe, expect, it } from "vitest";
import { main } from "../../../src/cli/run.js";
import { build } from "../../../src/engine/build/build.js";
import type { BuildEvent, BuildResult } from "../../../src/engine/build/events.js";
import { readLock } from "../../../src/engine/state/read-lock.js";
import { loadProject } from "../../../src/engine/load/load.js";
import { startSimulator, type Simulator } from "../../../src/simulator/server.js";
import { chargesByPrompt, tempProject } from "../../helpers/fault-project.js";

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function run(faults: string, opts: { assets?: number; apidot?: string; seed?: number; latencyMs?: number; config?: string } = {}) {
  sim = await startSimulator({ latencyMs: opts.latencyMs ?? 40, faults, seed: opts.seed });
  const root = tempProject({ assets: opts.assets ?? 4, apidot: opts.apidot, config: opts.config });
  const events: BuildEvent[] = [];
  const result = await build(loadProject({ cwd: root }), { simulatorUrl: sim.url, onEvent: (e) => events.push(e) });
  const lock = readLock(path.join(root, "nanobanana.lock"), "nanobanana.lock");
  return { root, result, events, lock, counts: sim.requestCounts(), ledger: sim.ledger() };
}

/** Every image in the lock is on disk, decodes, and has the recorded size. */
async function expectImagesOnDisk(root: string, lock: ReturnType<typeof readLock>, n: number) {
  expect(Object.keys(lock.assets)).toHaveLength(n);
  for (const e of Object.values(lock.assets)) {
    const file = path.join(root, e.output);
    const meta = await sharp(file).metadata();
    expect(meta.format).toBe("png");
    expect([meta.width, meta.height]).toEqual([512, 512]);
  }
}

/** No asset was charged twice unless the build reported it as a possible duplicate. */
function expectNoSilentDuplicates(result: BuildResult, ledger: Array<{ prompt: string }>) {
  const reported = new Set(result.possibleDuplicates.map((d) => d.name));
  for (const [prompt, n] of chargesByPrompt(ledger)) {
    if (n > 1) expect(reported, `charged ${n}× without a report: ${prompt}`).toContain(`a${prompt.match(/\d+$/)![0].padStart(3, "0")}`);
  }
}

describe("a build on APIDot under every fault", () => {
  for (const kind of ["429", "500", "502", "503", "504"]) {
    it(`submit ${kind}: retried, every image, one charge each`, async () => {
      const { root, result, lock, counts, ledger, events } = await run(`apidot.submit:${kind}@1`);
      expect(result.generated).toBe(4);
      await expectImagesOnDisk(root, lock, 4);
      expect(counts["apidot.submit"]).toBe(5);
      expect(ledger).toHaveLength(4);
      expect(result.possibleDuplicates).toEqual([]);
      const retries = events.filter((e) => e.type === "retry" && e.what === "submit");
      expect(retries).toHaveLength(1);
      // The simulator's 429 and 503 carry Retry-After: 1.
      if (kind === "429") expect((retries[0] as { delayMs: number }).delayMs).toBeGreaterThanOrEqual(1000);
    });
  }

  for (const kind of ["429", "503", "reset", "hang", "malformed"]) {
    it(`status ${kind}: the poll is retried, no new charge`, async () => {
      const { root, result, lock, counts, ledger } = await run(`apidot.status:${kind}@1-2`);
      expect(result.generated).toBe(4);
      await expectImagesOnDisk(root, lock, 4);
      expect(counts["apidot.submit"]).toBe(4);
      expect(ledger).toHaveLength(4);
      expect(result.possibleDuplicates).toEqual([]);
    });
  }

  it("submit reset: the outcome is unknown, so it is resubmitted once and reported (no task existed: one charge)", async () => {
    const { result, counts, ledger } = await run("apidot.submit:reset@1");
    expect(result.generated).toBe(4);
    expect(counts["apidot.submit"]).toBe(5);
    expect(ledger).toHaveLength(4);
    expect(result.possibleDuplicates).toHaveLength(1);
    expect(result.possibleDuplicates[0].reason).toMatch(/no usable answer/);
  });

  for (const kind of ["hang", "malformed"]) {
    it(`submit ${kind}: the first task was created and charged; the duplicate is reported, never silent`, async () => {
      const { root, result, lock, counts, ledger } = await run(`apidot.submit:${kind}@1`);
      expect(result.generated).toBe(4);
      await expectImagesOnDisk(root, lock, 4);
      expect(counts["apidot.submit"]).toBe(5);
      expect(ledger).toHaveLength(5);
      expect(result.possibleDuplicates).toHaveLength(1);
      expectNoSilentDuplicates(result, ledger);
      const twice = [...chargesByPrompt(ledger)].filter(([, n]) => n === 2);
      expect(twice).toHaveLength(1);
    });
  }

  it("resubmitUnknown: false fails the asset instead of paying again, and still reports it", async () => {
    const { result, ledger } = await run("apidot.submit:hang@1", {
      apidot: "{ timeoutMs: 400, pollIntervalMs: 20, resubmitUnknown: false }",
    });
    expect(result.generated).toBe(3);
    expect(result.failed).toBe(1);
    expect(result.assets.find((a) => a.status === "failed")!.error).toMatch(/outcome unknown.*not submitting again/);
    expect(ledger).toHaveLength(4);
    expect(result.possibleDuplicates).toHaveLength(1);
  });

  it("a task failure ends the asset failed and a safety refusal blocked, with the provider's message, not retried", async () => {
    const { result, lock, counts, ledger } = await run("apidot.submit:fail@1,apidot.submit:block@2");
    expect(result.generated).toBe(2);
    expect(result.failed).toBe(1);
    expect(result.blocked).toBe(1);
    expect(result.assets.find((a) => a.status === "failed")?.error).toMatch(/simulated task failure/);
    expect(result.assets.find((a) => a.status === "blocked")?.error).toMatch(/^safety: .*safety filter/);
    expect(Object.keys(lock.assets)).toHaveLength(2);
    expect(counts["apidot.submit"]).toBe(4);
    expect(ledger).toHaveLength(4);
  });

  for (const kind of ["truncate", "notimage", "expired", "reset", "hang", "503"]) {
    it(`download ${kind}: fetched again from the result URL, not regenerated`, async () => {
      const { root, result, lock, counts, ledger, events } = await run(`files:${kind}@1-2`);
      expect(result.generated).toBe(4);
      await expectImagesOnDisk(root, lock, 4);
      expect(counts.files).toBe(6);
      expect(counts["apidot.submit"]).toBe(4);
      expect(ledger).toHaveLength(4);
      expect(events.filter((e) => e.type === "retry" && e.what.startsWith("download"))).toHaveLength(2);
      // An expired URL is renewed by asking the task again: one extra status per expiry.
      if (kind === "expired") expect(events.filter((e) => e.type === "retry" && e.what === "download (fresh URL)")).toHaveLength(2);
    });
  }

  it("every fault kind at once (seeded): every asset ends, images on disk, no silent duplicate", async () => {
    const { root, result, lock, ledger } = await run("*:any=0.25", { assets: 16, seed: 7 });
    expect(result.generated + result.failed + result.blocked).toBe(16);
    const failures = result.assets.filter((a) => a.status === "failed");
    // A submit that hangs past the 400 ms timeout three times running (a hang fault, or a slow
    // answer on a loaded machine) ends its asset failed as "outcome unknown", which is reported.
    for (const f of failures) expect(f.error).toMatch(/simulated task failure|safety filter|submit outcome unknown \d+ times/);
    await expectImagesOnDisk(root, lock, result.generated);
    expectNoSilentDuplicates(result, ledger);
  }, 60_000);

  it("a task past its deadline keeps its id in the journal; the next build collects it without paying again", async () => {
    let clock = 1_000_000; // the simulator's clock: the task finishes only when the test says so
    sim = await startSimulator({ latencyMs: 1500, now: () => clock });
    const root = tempProject({ assets: 1, apidot: "{ timeoutMs: 1000, pollIntervalMs: 20, taskTimeoutMs: 1000 }" });
    const first = await build(loadProject({ cwd: root }), { simulatorUrl: sim.url });
    expect(first.failed).toBe(1);
    expect(first.assets[0].error).toMatch(/still running.*recorded/);
    expect(readdirSync(path.join(root, ".nanobanana", "tasks"))).toHaveLength(1);
    clock += 1500;
    const second = await build(loadProject({ cwd: root }), { simulatorUrl: sim.url });
    expect(second.generated).toBe(1);
    expect(sim.ledger()).toHaveLength(1);
    expect(sim.requestCounts()["apidot.submit"]).toBe(1);
    expect(existsSync(path.join(root, first.assets[0].output))).toBe(true);
  });

  it("client concurrency under the service's task limit: no request refused", async () => {
    const { result, ledger } = await run("apidot:tasks=2", { assets: 6, apidot: "{ timeoutMs: 400, pollIntervalMs: 20, concurrency: 2 }" });
    expect(result.generated).toBe(6);
    expect(ledger).toHaveLength(6);
    expect(sim!.faultCounts()).toEqual({});
  });
});

describe("API keys", () => {
  it("never appear in events, results, errors, the lockfile or the journal, under every fault", async () => {
    const key = "sk-live-SECRET-7f3a9c2e11";
    for (const faults of [
      "*:any=0.3",
      "apidot.submit:hang@1,apidot.status:malformed@1,files:expired@1",
      "apidot.submit:500",
      "*:reset=0.5",
    ]) {
      sim = await startSimulator({ latencyMs: 30, faults, seed: 3 });
      const root = tempProject({
        assets: 6,
        simulate: false,
        apidot: `{ baseUrl: "${sim.url}", timeoutMs: 400, pollIntervalMs: 20, maxRetries: 2 }`,
      });
      const seen: string[] = [];
      const result = await build(loadProject({ cwd: root }), {
        env: { APIDOT_API_KEY: key },
        onEvent: (e) => seen.push(JSON.stringify(e)),
      }).catch((e: Error) => {
        seen.push(String(e), e.stack ?? "");
        return undefined;
      });
      seen.push(JSON.stringify(result));
      for (const f of ["nanobanana.lock", ...readdirSafe(path.join(root, ".nanobanana", "tasks")).map((n) => `.nanobanana/tasks/${n}`)]) {
        if (existsSync(path.join(root, f))) seen.push(readFileSync(path.join(root, f), "utf8"));
      }
      const all = seen.join("\n");
      expect(all.length).toBeGreaterThan(100);
      expect(all).not.toContain(key);
      expect(all).not.toContain("SECRET");
      await sim.close();
      sim = undefined;
    }
  });
});

describe("API keys in CLI output", () => {
  it("never appear on stdout or stderr of `nanobanana build`, plain or --json, under faults", async () => {
    const key = "sk-live-SECRET-cli-42aa";
    sim = await startSimulator({ latencyMs: 30, faults: "*:any=0.3,apidot.submit:hang@1", seed: 5 });
    for (const json of [false, true]) {
      const root = tempProject({
        assets: 5,
        simulate: false,
        apidot: `{ baseUrl: "${sim.url}", timeoutMs: 400, pollIntervalMs: 20, maxRetries: 2 }`,
      });
      let out = "";
      const stream = { write: (s: string) => ((out += s), true), isTTY: false } as unknown as NodeJS.WriteStream;
      const code = await main(["build", "-C", root, ...(json ? ["--json"] : [])], {
        stdout: stream,
        stderr: stream,
        env: { APIDOT_API_KEY: key, NO_COLOR: "1" },
      });
      expect([0, 1]).toContain(code);
      expect(out).toMatch(/generated/);
      expect(out).not.toContain(key);
      // The hung first submit was resubmitted: the summary says so, in both forms.
      if (json) expect(JSON.parse(out).possibleDuplicates.length).toBeGreaterThanOrEqual(1);
      else expect(out).toMatch(/possible duplicate charge/);
      sim.setFaults("*:any=0.3,apidot.submit:hang@1");
    }
  });
});

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
