import sharp from "sharp";
import { ProviderRuntime } from "../../../src/engine/providers/runtime.js";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpClient, HttpError, PROVIDERS, type ImageRequest } from "../../../src/index.js";
import { startSimulator, type Simulator } from "../../../src/simulator/index.js";

let sim: Simulator;
const http = new HttpClient({ retry: { maxRetries: 0 } });
beforeAll(async () => {
  sim = await startSimulator({ latencyMs: 0 });
});
afterAll(async () => {
  await http.close();
  await sim.close();
});

const req: ImageRequest = {
  model: "nano-banana-2",
  modelId: "nano-banana-2",
  prompt: "a lemon",
  resolution: "0.5K",
  aspectRatio: "16:9",
  format: "webp",
  seed: 3,
  webSearch: false,
  references: [],
};
const adapter = (apiKey = "k-123") =>
  new ProviderRuntime(PROVIDERS.apidot!, PROVIDERS.apidot!.create({ baseUrl: sim.url, apiKey, http, settings: {} }), { secrets: [apiKey] });

describe("APIDot adapter against the simulator", () => {
  it("submits, polls to finished, and finds the file; cost from credits_amount", async () => {
    const sub = await adapter().submit(req);
    expect(sub.taskId).toMatch(/^ad_/);
    const st = await adapter().status(sub, req);
    expect(st).toMatchObject({ state: "succeeded", cost: { usd: 0.035, credits: 7, source: "provider" } });
    if (st.state !== "succeeded") throw new Error();
    const res = await request(st.images[0].url!);
    const meta = await sharp(Buffer.from(await res.body.arrayBuffer())).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(["webp", 688, 384]);
    expect(sim.ledger()).toEqual([{ provider: "apidot", model: "nano-banana-2", taskId: sub.taskId, prompt: "a lemon", costUsd: 0.035 }]);
  });

  it("reads files from both data.output.files and data.files", async () => {
    const places = new Set<string>();
    for (let i = 0; i < 12 && places.size < 2; i++) {
      const sub = await adapter().submit({ ...req, prompt: `p${i}` });
      const res = await request(`${sim.url}/api/generate/status/${sub.taskId}`, { headers: { authorization: "Bearer k" } });
      const data = ((await res.body.json()) as { data: Record<string, unknown> }).data;
      places.add(data.output ? "output.files" : "files");
      expect(await adapter().status(sub, req)).toMatchObject({ state: "succeeded" });
    }
    expect([...places].sort()).toEqual(["files", "output.files"]);
  });

  it("pro takes jpg for jpeg and no seed; the simulator rejects what the service rejects", async () => {
    const pro = await adapter().submit({ ...req, model: "nano-banana-pro", modelId: "nano-banana-pro", resolution: "1K", format: "jpeg" });
    expect(sim.state.tasks.get(pro.taskId)).toMatchObject({ format: "jpeg", width: 1376, height: 768 });
    const err = await adapter()
      .submit({ ...req, model: "nano-banana-pro", modelId: "nano-banana-pro" })
      .catch((e) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect(err).toMatchObject({ status: 400, info: { code: "invalid_request", retryable: false } });
    expect(err.message).toMatch(/input\.resolution must be one of 1K, 2K, 4K/);
  });

  it("401 without a key; the key never appears in an error", async () => {
    const res = await request(`${sim.url}/api/generate/submit`, { method: "POST", body: "{}" });
    expect(res.statusCode).toBe(401);
    expect(await res.body.json()).toMatchObject({ code: 401, error: { code: "authentication_error" } });
    const err = await adapter("secret-key-xyz")
      .status({ taskId: "nope" }, req)
      .catch((e) => e);
    expect(err).toMatchObject({ status: 404 });
    expect(`${err.message} ${JSON.stringify(err.info)}`).not.toContain("secret-key-xyz");
  });

  it("a task moves not_started → running → finished with latency", async () => {
    let clock = 1_000_000;
    const slow = await startSimulator({ latencyMs: 300, now: () => clock });
    try {
      const a = new ProviderRuntime(PROVIDERS.apidot!, PROVIDERS.apidot!.create({ baseUrl: slow.url, apiKey: "k", http, settings: {} }));
      const sub = await a.submit(req);
      expect(await a.status(sub, req)).toMatchObject({ state: "pending" });
      clock += 350; // the simulator's clock, not the wall's: a loaded machine cannot finish the task early
      expect(await a.status(sub, req)).toMatchObject({ state: "succeeded" });
      expect(slow.requestCounts()).toEqual({ "apidot.submit": 1, "apidot.status": 2 });
    } finally {
      await slow.close();
    }
  });
});
