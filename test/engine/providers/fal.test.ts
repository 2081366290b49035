import { readFileSync } from "node:fs";
import path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { build } from "../../../src/engine/build/build.js";
import { loadProject } from "../../../src/engine/load/load.js";
import { fal } from "../../../src/engine/providers/fal/adapter.js";
import { describeFalError, falAppId, fromFalStatus, toFalInput } from "../../../src/engine/providers/fal/translate.js";
import { startSimulator, type Simulator } from "../../../src/simulator/server.js";
import { BAD_KEY, SECRET, connectTo, decode, projectOn, request1, run } from "./helpers.js";

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ latencyMs: 60 });
});
afterAll(() => sim.close());

const pro = { model: "nano-banana-pro", modelId: "fal-ai/nano-banana-pro" } as const;

describe("fal adapter against the simulator", () => {
  test("queues, polls IN_QUEUE → IN_PROGRESS → COMPLETED, fetches the result", async () => {
    const { provider } = connectTo(fal, sim);
    const before = { ...sim.requestCounts() };
    const { status, polls, taskId } = await run(provider, request1({ ...pro, resolution: "4K", aspectRatio: "3:4", format: "webp" }));
    if (status.state !== "succeeded") throw new Error(status.state);
    expect(await decode(status.images[0])).toMatchObject({ format: "webp", width: 3584, height: 4800 });
    expect(status.cost).toEqual({ usd: 0.3, source: "catalog" });
    const counts = sim.requestCounts();
    expect(counts["fal.status"] - (before["fal.status"] ?? 0)).toBe(polls);
    expect(counts["fal.result"] - (before["fal.result"] ?? 0)).toBe(1);
    expect(sim.ledger().filter((c) => c.taskId === taskId)).toEqual([
      expect.objectContaining({ provider: "fal", model: "fal-ai/nano-banana-pro", costUsd: 0.3 }),
    ]);
  });

  test("an edit goes to /edit with image_urls; status and result are read without /edit", async () => {
    const { provider } = connectTo(fal, sim);
    const req = request1({
      model: "nano-banana",
      modelId: "fal-ai/nano-banana/edit",
      references: [{ url: "https://example.com/ref.png" }, { data: new Uint8Array([1, 2, 3]), mimeType: "image/png" }],
    });
    expect(toFalInput(req)).toMatchObject({ image_urls: ["https://example.com/ref.png", "data:image/png;base64,AQID"] });
    expect(toFalInput(req)).not.toHaveProperty("resolution");
    const sub = await provider.submit(req);
    expect(sub.handle).toBe("fal-ai/nano-banana");
    // The simulator, like fal, has no status route under /edit.
    const wrong = await fetch(`${sim.url}/fal-ai/nano-banana/edit/requests/${sub.taskId}/status`, {
      headers: { authorization: `Key ${SECRET}` },
    });
    expect(wrong.status).toBe(404);
    const { status } = await run(provider, req);
    if (status.state !== "succeeded") throw new Error(status.state);
    expect(await decode(status.images[0])).toMatchObject({ format: "png", width: 1024, height: 1024 });
  });

  test("a failed request (COMPLETED with error) is failed; a checker refusal (422 on the result) is blocked", async () => {
    const { provider } = connectTo(fal, sim);
    const failed = await run(provider, request1({ ...pro, prompt: "x [[fail]]" }));
    expect(failed.status).toMatchObject({ state: "failed", message: expect.stringMatching(/Internal error/) });
    const blocked = await run(provider, request1({ ...pro, prompt: "x [[blocked]]" }));
    expect(blocked.status).toMatchObject({ state: "blocked", reason: "content_policy_violation" });
    // fal bills successful requests only.
    expect(
      sim
        .ledger()
        .filter((c) => c.taskId === failed.taskId || c.taskId === blocked.taskId)
        .map((c) => c.costUsd),
    ).toEqual([0, 0]);
  });

  test("a validation error: 422 detail read into a clear message, not retried", async () => {
    const { provider } = connectTo(fal, sim, SECRET, 3);
    const err = await provider.submit(request1({ ...pro, aspectRatio: "8:1" })).catch((e) => e);
    expect(err.info).toMatchObject({ status: 422, code: "literal_error", retryable: false });
    expect(err.message).toMatch(/aspect_ratio: Input should be/);
  });

  test("a bad key: 401, the key not in the message", async () => {
    const { provider } = connectTo(fal, sim, BAD_KEY, 3);
    const err = await provider.submit(request1(pro)).catch((e) => e);
    expect(err.info).toMatchObject({ status: 401, retryable: false });
    expect(err.message).not.toContain(BAD_KEY);
  });
});

describe("fal shapes", () => {
  test("app id drops the subpath", () => {
    expect(falAppId("fal-ai/nano-banana-pro/edit")).toBe("fal-ai/nano-banana-pro");
  });
  test("every failure shape", () => {
    expect(fromFalStatus({ status: "FAILED", error: "boom" })).toMatchObject({ state: "failed", message: "boom" });
    expect(fromFalStatus({ status: "CANCELED" })).toMatchObject({ state: "failed" });
    expect(fromFalStatus({ status: "COMPLETED", error: { message: "oops" } })).toMatchObject({ state: "failed", message: "oops" });
    expect(fromFalStatus({ status: "COMPLETED" })).toBeUndefined();
    expect(fromFalStatus({ status: "IN_QUEUE", queue_position: 3 })).toEqual({ state: "pending", queuePosition: 3 });
    expect(fromFalStatus({ status: "PAUSED" })).toEqual({ state: "pending", unknown: "PAUSED" });
    expect(describeFalError(422, { detail: "bad" })).toEqual({ message: "bad" });
  });
});

test("a whole build on fal: files, lock entries, one charge per asset", async () => {
  const manifest = [
    "assets:",
    "  - { name: a, prompt: 'A banana', model: nano-banana-2, resolution: 2K, aspectRatio: '21:9', format: jpeg, seed: 4 }",
    "  - { name: b, prompt: 'Two bananas', model: nano-banana }",
    "  - { name: c, prompt: 'Three bananas', model: nano-banana-pro, format: webp }",
  ].join("\n");
  const { root, env } = projectOn("fal", sim, manifest);
  const before = sim.ledger().length;
  const result = await build(loadProject({ cwd: root }), { env });
  expect(result).toMatchObject({ generated: 3, failed: 0, blocked: 0, costUsd: 0.339 });
  const lock = JSON.parse(readFileSync(path.join(root, "nanobanana.lock"), "utf8"));
  expect(lock.assets.a).toMatchObject({
    provider: "fal",
    modelId: "fal-ai/nano-banana-2",
    width: 3168,
    height: 1344,
    format: "jpeg",
    cost: { usd: 0.15, source: "catalog" },
  });
  expect(lock.assets.b).toMatchObject({ modelId: "fal-ai/nano-banana", width: 1024 });
  expect(lock.assets.c).toMatchObject({ modelId: "fal-ai/nano-banana-pro", format: "webp" });
  for (const n of ["a", "b", "c"])
    expect((await sharp(path.join(root, lock.assets[n].output)).metadata()).format).toBe(lock.assets[n].format);
  const charges = sim.ledger().slice(before);
  expect(charges).toHaveLength(3);
  expect(charges.map((c) => c.model).sort()).toEqual(["fal-ai/nano-banana", "fal-ai/nano-banana-2", "fal-ai/nano-banana-pro"]);
});
