import { readFileSync } from "node:fs";
import path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { build } from "../../../src/engine/build/build.js";
import { HttpError } from "../../../src/engine/transport/errors.js";
import { loadProject } from "../../../src/engine/load/load.js";
import { describeGeminiError, gemini } from "../../../src/engine/providers/gemini/adapter.js";
import { toGeminiStatus } from "../../../src/engine/providers/gemini/translate.js";
import { startSimulator, type Simulator } from "../../../src/simulator/server.js";
import { BAD_KEY, SECRET, connectTo, decode, projectOn, request1, run } from "./helpers.js";

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ latencyMs: 20 });
});
afterAll(() => sim.close());

const pro = { model: "nano-banana-pro", modelId: "gemini-3-pro-image" } as const;
const flash = { model: "nano-banana", modelId: "gemini-2.5-flash-image" } as const;

describe("gemini adapter against the simulator", () => {
  test("generates synchronously: the final image (not the thought draft) at Google's pixel size", async () => {
    const { provider } = connectTo(gemini, sim);
    const before = sim.ledger().length;
    const sub = await provider.submit(request1({ ...pro, resolution: "2K", aspectRatio: "16:9" }));
    expect(sub.status?.state).toBe("succeeded");
    if (sub.status?.state !== "succeeded") return;
    expect(sub.status.images).toHaveLength(1);
    const img = await decode(sub.status.images[0]);
    expect([img.width, img.height]).toEqual([2752, 1536]);
    expect(img.format).toBe("jpeg");
    expect(sub.status.cost?.source).toBe("usage");
    const charges = sim.ledger().slice(before);
    expect(charges).toHaveLength(1);
    expect(charges[0]).toMatchObject({ provider: "gemini", model: "gemini-3-pro-image", taskId: sub.taskId });
    expect(sub.status.cost?.usd).toBe(charges[0].costUsd);
  });

  test("0.5K on nano-banana-2 is sent as imageSize 512", async () => {
    const { provider } = connectTo(gemini, sim);
    const { status } = await run(
      provider,
      request1({ model: "nano-banana-2", modelId: "gemini-3.1-flash-image", resolution: "0.5K", aspectRatio: "4:1" }),
    );
    if (status.state !== "succeeded") throw new Error(status.state);
    expect(await decode(status.images[0])).toMatchObject({ width: 1024, height: 256 });
  });

  test("edits with inline bytes and with a URL (fetched, then sent as inlineData)", async () => {
    const { provider } = connectTo(gemini, sim);
    const ref = await sharp({ create: { width: 64, height: 64, channels: 3, background: "#f0c000" } })
      .png()
      .toBuffer();
    const a = await provider.submit(request1({ ...flash, references: [{ data: ref, mimeType: "image/png" }] }));
    if (a.status?.state !== "succeeded") throw new Error(String(a.status?.state));
    expect(await decode(a.status.images[0])).toMatchObject({ format: "png", width: 1024, height: 1024 });
    // A URL reference: the first result, served by the simulator's file route.
    const url = `${sim.url}/__simulator/files/${a.taskId}/0.png`;
    const b = await provider.submit(request1({ ...pro, references: [{ url }] }));
    expect(b.status?.state).toBe("succeeded");
  });

  test("a refused output is blocked with its finishReason; a refused prompt with promptFeedback; text only is blocked too", async () => {
    const { provider } = connectTo(gemini, sim);
    const out = await provider.submit(request1({ ...pro, prompt: "a banana [[blocked]]" }));
    expect(out.status).toMatchObject({ state: "blocked", reason: "IMAGE_SAFETY" });
    const prompt = await provider.submit(request1({ ...pro, prompt: "a banana [[blocked-prompt]]" }));
    expect(prompt.status).toMatchObject({ state: "blocked", reason: "PROHIBITED_CONTENT" });
    const text = await provider.submit(request1({ ...flash, prompt: "a banana [[text-only]]" }));
    expect(text.status).toMatchObject({ state: "blocked", reason: "NO_IMAGE" });
  });

  test("a task failure is an HttpError 500 INTERNAL (retryable)", async () => {
    const { provider } = connectTo(gemini, sim);
    const err = await provider.submit(request1({ ...pro, prompt: "x [[fail]]" })).catch((e) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect(err.info).toMatchObject({ status: 500, code: "INTERNAL", retryable: true });
  });

  test("a retired or unknown model id is 404 NOT_FOUND", async () => {
    const { provider } = connectTo(gemini, sim);
    const err = await provider.submit(request1({ ...pro, modelId: "gemini-3-pro-image-preview" })).catch((e) => e);
    expect(err.info).toMatchObject({ status: 404, code: "NOT_FOUND", retryable: false });
  });

  test("a bad key: 400 API_KEY_INVALID, not retried, the key not in the message", async () => {
    const { provider } = connectTo(gemini, sim, BAD_KEY, 3);
    const before = sim.requestCounts()["gemini.generateContent"] ?? 0;
    const err = await provider.submit(request1(pro)).catch((e) => e);
    expect(err.info).toMatchObject({ status: 400, code: "API_KEY_INVALID", retryable: false });
    expect(err.message).toMatch(/API key/);
    expect(err.message).not.toContain(BAD_KEY);
    expect(sim.requestCounts()["gemini.generateContent"]).toBe(before + 1);
  });

  test("the simulator answers snake_case requests like Google's curl samples", async () => {
    const res = await fetch(`${sim.url}/v1beta/models/gemini-2.5-flash-image:generateContent`, {
      method: "POST",
      headers: { "x-goog-api-key": SECRET, "content-type": "application/json" },
      body: JSON.stringify({
        contents: [
          {
            parts: [
              { text: "a banana" },
              {
                inline_data: {
                  mime_type: "image/png",
                  data: (
                    await sharp({ create: { width: 8, height: 8, channels: 3, background: "#fff" } })
                      .png()
                      .toBuffer()
                  ).toString("base64"),
                },
              },
            ],
          },
        ],
        generation_config: { response_modalities: ["IMAGE"], image_config: { aspect_ratio: "9:16" } },
      }),
    });
    const body = await res.json();
    const part = body.candidates[0].content.parts.find((p: { inlineData?: unknown }) => p.inlineData);
    expect((await sharp(Buffer.from(part.inlineData.data, "base64")).metadata()).height).toBe(1344);
    expect(body.usageMetadata.candidatesTokensDetails).toContainEqual({ modality: "IMAGE", tokenCount: 1290 });
    expect(body.usageMetadata.promptTokenCount).toBeGreaterThan(258);
  });

  test("a missing key is 403 PERMISSION_DENIED, as Google answers", async () => {
    const res = await fetch(`${sim.url}/v1beta/models/gemini-3-pro-image:generateContent`, { method: "POST", body: "{}" });
    expect(res.status).toBe(403);
    expect((await res.json()).error.status).toBe("PERMISSION_DENIED");
  });
});

describe("reading Gemini answers", () => {
  const png = (n: number) => ({ inlineData: { mimeType: "image/png", data: Buffer.from([n]).toString("base64") } });
  test("several images: all returned (the engine keeps the first); thoughts never", () => {
    const s = toGeminiStatus({
      candidates: [{ content: { parts: [{ ...png(9), thought: true }, png(1), { text: "two" }, png(2)] }, finishReason: "STOP" }],
    });
    expect(s.state).toBe("succeeded");
    if (s.state === "succeeded") expect(s.images.map((i) => i.data?.[0])).toEqual([1, 2]);
  });
  test("only a thought image is no image", () => {
    expect(toGeminiStatus({ candidates: [{ content: { parts: [{ ...png(9), thought: true }] }, finishReason: "STOP" }] })).toMatchObject({
      state: "blocked",
      reason: "NO_IMAGE",
    });
  });
  test("every block finishReason", () => {
    for (const r of [
      "SAFETY",
      "IMAGE_SAFETY",
      "IMAGE_PROHIBITED_CONTENT",
      "PROHIBITED_CONTENT",
      "NO_IMAGE",
      "IMAGE_RECITATION",
      "IMAGE_OTHER",
      "RECITATION",
      "OTHER",
    ]) {
      expect(toGeminiStatus({ candidates: [{ content: { parts: [] }, finishReason: r, finishMessage: "m" }] })).toEqual({
        state: "blocked",
        reason: r,
        message: "m",
      });
    }
  });
  test("no candidates, no feedback: failed", () => {
    expect(toGeminiStatus({}).state).toBe("failed");
  });
  test("RetryInfo.retryDelay becomes retryAfterMs, fractional too", () => {
    const body = (d: string) => ({
      error: {
        code: 429,
        message: "Quota exceeded.",
        status: "RESOURCE_EXHAUSTED",
        details: [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: d }],
      },
    });
    expect(describeGeminiError(429, body("26s"))).toEqual({ code: "RESOURCE_EXHAUSTED", message: "Quota exceeded.", retryAfterMs: 26_000 });
    expect(describeGeminiError(429, body("45.837906927s")).retryAfterMs).toBe(45_838);
    expect(
      describeGeminiError(429, { error: { code: 429, message: "Please retry in 43.7s.", status: "RESOURCE_EXHAUSTED" } }).retryAfterMs,
    ).toBe(43_700);
  });
});

test("a whole build on gemini: files, lock entries with usage cost, one charge per asset", async () => {
  const manifest = [
    "assets:",
    "  - { name: hero, prompt: 'A banana hero shot', model: nano-banana-pro, resolution: 2K, aspectRatio: '16:9' }",
    "  - { name: icon, prompt: 'A banana icon', model: nano-banana, format: jpeg }",
    "  - { name: tall, prompt: 'A tall banana', model: nano-banana-2, resolution: 0.5K, aspectRatio: '1:4', format: webp }",
    "  - { name: nope, prompt: 'A banana [[blocked]]', model: nano-banana-pro }",
  ].join("\n");
  const { root, env } = projectOn("gemini", sim, manifest);
  const before = sim.ledger().length;
  const result = await build(loadProject({ cwd: root }), { env });
  expect(result).toMatchObject({ generated: 3, blocked: 1, failed: 0 });
  expect(result.assets.find((a) => a.name === "nope")?.error).toMatch(/IMAGE_SAFETY/);
  const lock = JSON.parse(readFileSync(path.join(root, "nanobanana.lock"), "utf8"));
  expect(Object.keys(lock.assets).sort()).toEqual(["hero", "icon", "tall"]);
  expect(lock.assets.hero).toMatchObject({
    provider: "gemini",
    modelId: "gemini-3-pro-image",
    width: 2752,
    height: 1536,
    format: "png",
    cost: { source: "usage" },
  });
  expect(lock.assets.icon).toMatchObject({ modelId: "gemini-2.5-flash-image", width: 1024, height: 1024, format: "jpeg" });
  expect(lock.assets.tall).toMatchObject({ modelId: "gemini-3.1-flash-image", width: 256, height: 1024, format: "webp" });
  for (const name of ["hero", "icon", "tall"]) {
    const meta = await sharp(path.join(root, lock.assets[name].output)).metadata();
    expect([meta.format, meta.width]).toEqual([lock.assets[name].format, lock.assets[name].width]);
  }
  const charges = sim.ledger().slice(before);
  // Google bills the blocked answer's tokens too: four answers, four charges, no duplicates.
  expect(charges).toHaveLength(4);
  expect(new Set(charges.map((c) => c.taskId)).size).toBe(4);
  const paid = charges.filter((c) => !c.prompt.includes("[[blocked]]"));
  expect(paid.map((c) => c.costUsd).sort()).toEqual(["hero", "icon", "tall"].map((n) => lock.assets[n].cost.usd).sort());
  expect(readFileSync(path.join(root, "nanobanana.lock"), "utf8")).not.toContain(SECRET);
});
