import { createFalClient } from "@fal-ai/client";
import { GoogleGenAI } from "@google/genai";
import sharp from "sharp";
import { afterAll, beforeAll, expect, test } from "vitest";
import { startSimulator, type Simulator } from "../../../src/simulator/server.js";
import { BAD_KEY, SECRET, decode } from "./helpers.js";

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ latencyMs: 30 });
});
afterAll(() => sim.close());

test("Google's @google/genai client works against the simulator (httpOptions.baseUrl)", async () => {
  const ai = new GoogleGenAI({ apiKey: SECRET, httpOptions: { baseUrl: sim.url } });
  const res = await ai.models.generateContent({
    model: "gemini-3-pro-image",
    contents: "A banana on a marble table",
    config: { responseModalities: ["TEXT", "IMAGE"], imageConfig: { aspectRatio: "16:9", imageSize: "2K" } },
  });
  const parts = res.candidates?.[0]?.content?.parts ?? [];
  expect(parts.some((p) => p.thought)).toBe(true);
  const final = parts.filter((p) => p.inlineData && !p.thought);
  expect(final).toHaveLength(1);
  const meta = await sharp(Buffer.from(final[0].inlineData!.data!, "base64")).metadata();
  expect([meta.format, meta.width, meta.height]).toEqual(["jpeg", 2752, 1536]);
  expect(res.usageMetadata?.candidatesTokensDetails).toContainEqual({ modality: "IMAGE", tokenCount: 1120 });
  expect(res.responseId).toBeTruthy();
});

test("@google/genai reads the simulator's errors: bad key, retired model", async () => {
  const bad = new GoogleGenAI({ apiKey: BAD_KEY, httpOptions: { baseUrl: sim.url } });
  const e1 = await bad.models.generateContent({ model: "gemini-2.5-flash-image", contents: "x" }).catch((e) => e);
  expect(e1.status).toBe(400);
  expect(e1.message).toMatch(/API_KEY_INVALID|API key not valid/);
  const ai = new GoogleGenAI({ apiKey: SECRET, httpOptions: { baseUrl: sim.url } });
  const e2 = await ai.models.generateContent({ model: "gemini-3-pro-image-preview", contents: "x" }).catch((e) => e);
  expect(e2.status).toBe(404);
  expect(e2.message).toMatch(/NOT_FOUND/);
});

test("fal's @fal-ai/client works against the simulator through requestMiddleware", async () => {
  const fal = createFalClient({
    credentials: SECRET,
    // The client builds https://queue.fal.run/... URLs itself; rewrite the origin to the simulator.
    requestMiddleware: async (req) => ({ ...req, url: req.url.replace(/^https:\/\/queue\.fal\.run/, sim.url) }),
  });
  const result = await fal.subscribe("fal-ai/nano-banana-pro/edit", {
    input: {
      prompt: "A banana, edited",
      image_urls: ["https://example.com/ref.png"],
      aspect_ratio: "9:16",
      resolution: "1K",
      output_format: "png",
    },
    pollInterval: 20,
  });
  const images = (result.data as { images: { url: string }[] }).images;
  expect(await decode({ url: images[0].url })).toMatchObject({ format: "png", width: 768, height: 1376 });
  // The client polled the status without /edit, as fal's real client does.
  expect(sim.requestCounts()["fal.status"]).toBeGreaterThan(0);
  expect(sim.ledger().filter((c) => c.provider === "fal")).toHaveLength(1);
});
