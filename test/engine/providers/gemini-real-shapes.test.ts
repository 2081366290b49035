import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { gemini } from "../../../src/engine/providers/gemini/adapter.js";
import { geminiQuota, toGeminiStatus } from "../../../src/engine/providers/gemini/translate.js";
import { HttpError, NotSentError } from "../../../src/engine/transport/errors.js";
import { startSimulator, type Simulator } from "../../../src/simulator/server.js";
import { tempDir } from "../../helpers/temp-dir.js";
import { runMain } from "../safety/helpers.js";
import { connectTo, request1 } from "./helpers.js";

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});
const flash2 = { model: "nano-banana-2", modelId: "gemini-3.1-flash-image", resolution: "0.5K" } as const;

describe("real Gemini answer shapes", () => {
  test("an image part with thoughtSignature and an answer with serviceTier are read as the image", async () => {
    sim = await startSimulator({ latencyMs: 5 });
    const { provider } = connectTo(gemini, sim);
    const sub = await provider.submit(request1(flash2));
    expect(sub.status?.state).toBe("succeeded");
    expect(sim.ledger()).toHaveLength(1);
  });

  test("finishReason NO_IMAGE with content {} is a block, reported, not a crash or a retry", async () => {
    expect(toGeminiStatus({ candidates: [{ content: {}, finishReason: "NO_IMAGE" }] })).toMatchObject({
      state: "blocked",
      reason: "NO_IMAGE",
    });
    sim = await startSimulator({ latencyMs: 5 });
    const { provider } = connectTo(gemini, sim);
    const sub = await provider.submit(request1({ ...flash2, prompt: "a cat [[no-image]]" }));
    expect(sub.status).toMatchObject({ state: "blocked", reason: "NO_IMAGE" });
    expect(sim.requestCounts()["gemini.generateContent"]).toBe(1);
  });

  test("geminiQuota reads the QuotaFailure of a real 429 body", () => {
    const body = {
      error: {
        code: 429,
        details: [
          {
            "@type": "type.googleapis.com/google.rpc.QuotaFailure",
            violations: [
              { quotaId: "GenerateRequestsPerMinutePerProjectPerModel", quotaDimensions: { model: "m" } },
              { quotaId: "GenerateRequestsPerDayPerProjectPerModel-FreeTier", quotaDimensions: { location: "global", model: "m" } },
            ],
          },
          { "@type": "type.googleapis.com/google.rpc.Help", links: [] },
          { "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "34.4s" },
        ],
      },
    };
    expect(geminiQuota(body)).toEqual({ quotaId: "GenerateRequestsPerDayPerProjectPerModel-FreeTier", model: "m", perDay: true });
    expect(geminiQuota({ error: { details: [{ "@type": "x.RetryInfo" }] } })).toBeUndefined();
  });

  test("a per-day quota fails at once (no retry) and the model is not asked again in this build", async () => {
    sim = await startSimulator({ latencyMs: 5, faults: "gemini:rpd=1" });
    const { provider } = connectTo(gemini, sim);
    expect((await provider.submit(request1(flash2))).status?.state).toBe("succeeded");
    const err = await provider.submit(request1({ ...flash2, prompt: "second" })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect((err as HttpError).info).toMatchObject({ code: "QUOTA_PER_DAY", retryable: false });
    expect((err as Error).message).toMatch(
      /per-day quota for gemini-3\.1-flash-image is used up \(GenerateRequestsPerDayPerProjectPerModel\)/,
    );
    expect(sim.requestCounts()["gemini.generate"]).toBe(1); // the one 429, answered before the route: no retries
    const third = await provider.submit(request1({ ...flash2, prompt: "third" })).catch((e: unknown) => e);
    expect(third).toBeInstanceOf(NotSentError);
    expect(sim.requestCounts()["gemini.generate"]).toBe(1);
    expect(sim.ledger()).toHaveLength(1);
  });

  test("a build under a per-day quota ends quickly with a clear message, exit 1, one charge", async () => {
    sim = await startSimulator({ latencyMs: 5, faults: "gemini:rpd=1" });
    const dir = tempDir("nb-quota-");
    mkdirSync(path.join(dir, "assets"));
    writeFileSync(
      path.join(dir, "nanobanana.config.yaml"),
      'provider: gemini\nsimulate: true\nmanifests: ["assets/*.yaml"]\nconcurrency: 1\ndefaults: { model: nano-banana-2, resolution: 0.5K, aspectRatio: "1:1", format: jpeg }\n',
    );
    writeFileSync(
      path.join(dir, "assets", "a.yaml"),
      'assets:\n  - name: "t-{{n}}"\n    prompt: "tile {{n}}"\n    matrix: { n: [1, 2, 3, 4] }\n',
    );
    const r = await runMain(["build", "-C", dir], { NANOBANANA_SIMULATOR_URL: sim.url });
    expect(r.code).toBe(1);
    expect(r.stderr + r.stdout).toMatch(/per-day quota for gemini-3\.1-flash-image is used up/);
    expect(sim.ledger()).toHaveLength(1);
    expect(sim.requestCounts()["gemini.generate"]).toBe(1);
  }, 30_000);
});
