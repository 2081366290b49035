import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { GoogleGenAI } from "@google/genai";
import sharp from "sharp";
import { afterAll, beforeAll, beforeEach, expect, test } from "vitest";
import { GEMINI_IMAGE_TOKENS } from "../../src/core/catalog/gemini-tokens.js";
import { startSimulator, type Simulator } from "../../src/simulator/server.js";

let sim: Simulator;
let ai: GoogleGenAI;
/** While set, the simulator's clock stands still: a job cannot end before the test acts on it. */
let heldAt: number | undefined;
const tmp = mkdtempSync(path.join(os.tmpdir(), "nb-batch-sim-"));
beforeAll(async () => {
  sim = await startSimulator({ batchLatencyMs: 400, now: () => heldAt ?? Date.now() });
  ai = new GoogleGenAI({ apiKey: "test-key", httpOptions: { baseUrl: sim.url } });
});
beforeEach(() => {
  sim.state.reset();
  sim.setFaults(undefined);
  heldAt = undefined;
});
afterAll(async () => {
  await sim.close();
  rmSync(tmp, { recursive: true, force: true });
});

const request = (prompt: string) => ({
  contents: [{ role: "user", parts: [{ text: prompt }] }],
  generationConfig: { responseModalities: ["TEXT", "IMAGE"], imageConfig: { aspectRatio: "1:1", imageSize: "512" } },
});

async function untilDone(name: string) {
  for (;;) {
    const job = await ai.batches.get({ name });
    if (!["JOB_STATE_PENDING", "JOB_STATE_RUNNING"].includes(job.state ?? "")) return job;
    await new Promise((r) => setTimeout(r, 20));
  }
}

test("@google/genai: files.upload (resumable), batches.create from the file, get, files.download; charged at half price", async () => {
  const lines = ["a", "b", "[[blocked]] c", "[[fail]] d"].map((p, i) => JSON.stringify({ key: `k${i}`, request: request(`card ${p}`) }));
  const file = await ai.files.upload({
    file: new Blob([`${lines.join("\n")}\n`], { type: "application/jsonl" }),
    config: { displayName: "input", mimeType: "application/jsonl" },
  });
  expect(file.name).toMatch(/^files\//);
  const created = await ai.batches.create({ model: "gemini-3.1-flash-image", src: file.name!, config: { displayName: "nb-test-1" } });
  expect(created.name).toMatch(/^batches\//);
  expect(created.displayName).toBe("nb-test-1");
  const job = await untilDone(created.name!);
  expect(job.state).toBe("JOB_STATE_SUCCEEDED");
  expect(job.dest?.fileName).toMatch(/^files\//);
  const out = path.join(tmp, "results.jsonl");
  await ai.files.download({ file: job.dest!.fileName!, downloadPath: out });
  const results = readFileSync(out, "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
  expect(results.map((r) => r.key)).toEqual(["k0", "k1", "k2", "k3"]);
  const img = results[0].response.candidates[0].content.parts.find(
    (p: { inlineData?: unknown; thought?: boolean }) => p.inlineData && !p.thought,
  );
  expect(await sharp(Buffer.from(img.inlineData.data, "base64")).metadata()).toMatchObject({ width: 512, height: 512, format: "jpeg" });
  expect(results[2].response.candidates[0].finishReason).toBe("IMAGE_SAFETY");
  expect(results[3].error.code).toBe(500);
  // Three answered requests (the block included) charged at 50%; the error is not.
  const ledger = sim.ledger();
  expect(ledger).toHaveLength(3);
  const full = (GEMINI_IMAGE_TOKENS["nano-banana-2"]["0.5K"]! * 60) / 1e6;
  expect(ledger[0].costUsd).toBeGreaterThan(full * 0.5);
  expect(ledger[0].costUsd).toBeLessThan(full * 0.6);
});

test("@google/genai: inline batches, list by display name, cancel, delete", async () => {
  const created = await ai.batches.create({
    model: "gemini-3.1-flash-image",
    src: [
      { contents: [{ role: "user", parts: [{ text: "inline one" }] }], config: { responseModalities: ["IMAGE"] }, metadata: { key: "x1" } },
    ],
    config: { displayName: "nb-inline" },
  });
  const job = await untilDone(created.name!);
  expect(job.state).toBe("JOB_STATE_SUCCEEDED");
  expect(job.dest?.inlinedResponses?.[0].metadata).toEqual({ key: "x1" });
  expect(job.dest?.inlinedResponses?.[0].response?.candidates?.[0].content?.parts?.some((p) => p.inlineData)).toBe(true);

  heldAt = Date.now(); // the "slow" job stays running until it is cancelled
  const slow = await ai.batches.create({
    model: "gemini-3.1-flash-image",
    src: [{ contents: "never mind" }],
    config: { displayName: "nb-cancel" },
  });
  const names: string[] = [];
  for await (const j of await ai.batches.list({ config: { pageSize: 1 } })) names.push(j.displayName ?? "");
  expect(names).toEqual(["nb-cancel", "nb-inline"]);
  await ai.batches.cancel({ name: slow.name! });
  expect((await ai.batches.get({ name: slow.name! })).state).toBe("JOB_STATE_CANCELLED");
  await ai.batches.delete({ name: slow.name! });
  expect(await ai.batches.get({ name: slow.name! }).catch((e) => e.status)).toBe(404);
  expect(sim.requestCounts()["gemini.batch.create"]).toBe(2);
});

test("faults: a job that fails, one that expires (nothing charged), a results download cut short", async () => {
  sim.setFaults("gemini.batch.create:fail@1,gemini.batch.create:expired@2,gemini.download:truncate@1");
  const mk = (n: string) =>
    ai.batches.create({ model: "gemini-3.1-flash-image", src: [{ contents: `job ${n}` }], config: { displayName: n } });
  const failed = await untilDone((await mk("f")).name!);
  const expired = await untilDone((await mk("e")).name!);
  expect([failed.state, expired.state]).toEqual(["JOB_STATE_FAILED", "JOB_STATE_EXPIRED"]);
  expect(sim.ledger()).toHaveLength(0);
  const file = await ai.files.upload({
    file: new Blob([["a", "b", "c", "d"].map((p) => JSON.stringify({ key: p, request: request(p) })).join("\n")], {
      type: "application/jsonl",
    }),
    config: { mimeType: "application/jsonl" },
  });
  const ok = await untilDone((await ai.batches.create({ model: "gemini-3.1-flash-image", src: file.name! })).name!);
  const res = await fetch(`${sim.url}/download/v1beta/${ok.dest!.fileName}:download?alt=media`, { headers: { "x-goog-api-key": "k" } });
  const cut = await res.text().catch(() => "reset");
  expect(cut === "reset" || cut.split("\n").length < 4).toBe(true);
  expect(sim.faultCounts()).toMatchObject({
    "gemini.download:truncate": 1,
    "gemini.batch.create:fail": 1,
    "gemini.batch.create:expired": 1,
  });
});
