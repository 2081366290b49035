import { readFileSync } from "node:fs";
import path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { build } from "../../../src/engine/build/build.js";
import { loadProject } from "../../../src/engine/load/load.js";
import { revid } from "../../../src/engine/providers/revid/adapter.js";
import { fromRevidTask, toRevidInput } from "../../../src/engine/providers/revid/translate.js";
import { startSimulator, type Simulator } from "../../../src/simulator/server.js";
import { BAD_KEY, SECRET, connectTo, decode, projectOn, request1, run } from "./helpers.js";

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ latencyMs: 40 });
});
afterAll(() => sim.close());

const pro = { model: "nano-banana-pro", modelId: "nano-banana-pro" } as const;

describe("revid adapter against the simulator", () => {
  test("create, query until success, read the resultJson string", async () => {
    const { provider } = connectTo(revid, sim);
    const { status, taskId } = await run(provider, request1({ ...pro, resolution: "2K", aspectRatio: "4:5", format: "jpeg" }));
    if (status.state !== "succeeded") throw new Error(status.state);
    expect(await decode(status.images[0])).toMatchObject({ format: "jpeg", width: 1856, height: 2304 });
    expect(status.cost).toEqual({ usd: 0.09, credits: 25, source: "catalog" });
    expect(sim.ledger().filter((c) => c.taskId === taskId)).toEqual([
      expect.objectContaining({ provider: "revid", model: "nano-banana-pro", costUsd: 0.09 }),
    ]);
    // The raw answer: resultJson is a string, costTime in ms.
    const raw = await (
      await fetch(`${sim.url}/paid/get/taskid?taskId=${taskId}`, { method: "POST", headers: { "x-api-key": SECRET } })
    ).json();
    expect(typeof raw.data.resultJson).toBe("string");
    expect(raw.data).toMatchObject({ state: "success", costTime: 40 });
  });

  test("edits: google/nano-banana-edit takes image_urls, pro takes image_input", async () => {
    const { provider } = connectTo(revid, sim);
    const refs = [{ url: "https://example.com/a.png" }];
    expect(toRevidInput(request1({ model: "nano-banana", modelId: "google/nano-banana-edit", references: refs }))).toEqual({
      prompt: expect.any(String),
      aspect_ratio: "1:1",
      output_format: "png",
      image_urls: ["https://example.com/a.png"],
    });
    expect(toRevidInput(request1({ ...pro, references: refs }))).toMatchObject({
      resolution: "1K",
      image_input: ["https://example.com/a.png"],
    });
    const { status } = await run(
      provider,
      request1({ model: "nano-banana", modelId: "google/nano-banana-edit", aspectRatio: "9:16", references: refs }),
    );
    if (status.state !== "succeeded") throw new Error(status.state);
    expect(await decode(status.images[0])).toMatchObject({ width: 768, height: 1344 });
  });

  test("state fail → failed with failMsg; a safety refusal → blocked", async () => {
    const { provider } = connectTo(revid, sim);
    expect((await run(provider, request1({ ...pro, prompt: "x [[fail]]" }))).status).toMatchObject({ state: "failed", code: "500" });
    expect((await run(provider, request1({ ...pro, prompt: "x [[blocked]]" }))).status).toMatchObject({
      state: "blocked",
      message: expect.stringMatching(/sensitive/),
    });
  });

  test("a bad key: 401 with the body code, the key not in the message; validation is 422", async () => {
    const bad = connectTo(revid, sim, BAD_KEY, 3).provider;
    const err = await bad.submit(request1(pro)).catch((e) => e);
    expect(err.info).toMatchObject({ status: 401, code: "401", retryable: false });
    expect(err.message).not.toContain(BAD_KEY);
    const invalid = await connectTo(revid, sim)
      .provider.submit(request1({ ...pro, resolution: "0.5K" }))
      .catch((e) => e);
    expect(invalid.info).toMatchObject({ status: 422, retryable: false });
  });

  test("resultJson as a string or an object; body code ≠ 200 in an HTTP 200 is a failure", async () => {
    expect(fromRevidTask({ state: "success", resultJson: '{"resultUrls":["https://x/y.png"]}' })).toMatchObject({
      state: "succeeded",
      images: [{ url: "https://x/y.png" }],
    });
    expect(fromRevidTask({ state: "success", resultJson: { resultUrls: ["https://x/z.png"] } })).toMatchObject({ state: "succeeded" });
    expect(fromRevidTask({ state: "waiting" })).toEqual({ state: "pending" });
    expect(fromRevidTask({ state: "generating" })).toEqual({ state: "pending" });
    expect(fromRevidTask({ state: "paused" })).toEqual({ state: "pending", unknown: "paused" });
  });
});

test("a whole build on revid: files, lock entries, one charge per asset", async () => {
  const manifest = [
    "assets:",
    "  - { name: one, prompt: 'A banana', model: nano-banana, aspectRatio: '3:2' }",
    "  - { name: two, prompt: 'A banana poster', model: nano-banana-pro, resolution: 4K, format: jpeg }",
  ].join("\n");
  const { root, env } = projectOn("revid", sim, manifest);
  const before = sim.ledger().length;
  const result = await build(loadProject({ cwd: root }), { env });
  expect(result).toMatchObject({ generated: 2, failed: 0, costUsd: 0.14 });
  const lock = JSON.parse(readFileSync(path.join(root, "nanobanana.lock"), "utf8"));
  expect(lock.assets.one).toMatchObject({
    provider: "revid",
    modelId: "google/nano-banana",
    width: 1248,
    height: 832,
    cost: { source: "catalog", credits: 8 },
  });
  expect(lock.assets.two).toMatchObject({ modelId: "nano-banana-pro", width: 4096, height: 4096, format: "jpeg", cost: { usd: 0.12 } });
  expect((await sharp(path.join(root, lock.assets.two.output)).metadata()).format).toBe("jpeg");
  expect(sim.ledger().slice(before)).toHaveLength(2);
});

test("an HTTP 200 whose body code is 402 is a non-retryable failure", async () => {
  const { createServer } = await import("node:http");
  let hits = 0;
  const server = createServer((_req, res) => {
    hits++;
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ code: 402, msg: "Insufficient balance", data: null }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  try {
    const { HttpClient } = await import("../../../src/engine/transport/client.js");
    const provider = revid.create({ baseUrl: `http://127.0.0.1:${port}`, apiKey: SECRET, http: new HttpClient(), settings: {} });
    const err = await provider.submit(request1(pro)).catch((e) => e);
    expect(err.info).toMatchObject({ status: 402, retryable: false });
    expect(err.message).toMatch(/Insufficient balance/);
    expect(hits).toBe(1);
  } finally {
    server.close();
  }
});
