import { get, request as httpRequest } from "node:http";
import { request } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { UserError } from "../../src/core/errors/user-error.js";
import { parseFaults } from "../../src/simulator/fault-syntax.js";
import { FaultInjector } from "../../src/simulator/faults.js";
import { ServiceLimits } from "../../src/simulator/rate-limits.js";
import { startSimulator, type Simulator } from "../../src/simulator/server.js";
import { SimState } from "../../src/simulator/state.js";

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});
const start = async (faults: string) => (sim = await startSimulator({ faults, latencyMs: 5 }));

const auth = { authorization: "Bearer sk-live-SECRET-123", "content-type": "application/json" };
const submitApidot = (s: Simulator, path = "/api/generate/submit") =>
  request(`${s.url}${path}`, {
    method: "POST",
    headers: auth,
    body: JSON.stringify({ model: "nano-banana-2", input: { prompt: "p", resolution: "0.5K", size: "1:1" } }),
  });
// biome-ignore lint/suspicious/noExplicitAny: the tests probe hostile answers field by field
const json = async (r: Awaited<ReturnType<typeof request>>) => (await r.body.json()) as Record<string, any>;
type Part = { inlineData?: unknown; thought?: boolean; thoughtSignature?: string };
const finished = async (s: Simulator, id: string) => {
  for (;;) {
    const body = await json(await request(`${s.url}/api/generate/status/${id}`, { headers: auth }));
    if (body.data.status !== "not_started" && body.data.status !== "running") return body;
    await new Promise((r) => setTimeout(r, 5));
  }
};
const gemini = (s: Simulator, prompt: string, key = "AIza-SECRET") =>
  request(`${s.url}/v1beta/models/gemini-3.1-flash-image:generateContent`, {
    method: "POST",
    headers: { "x-goog-api-key": key, "content-type": "application/json" },
    body: JSON.stringify({
      contents: [{ role: "user", parts: [{ text: prompt }] }],
      generationConfig: { responseModalities: ["IMAGE"], imageConfig: { aspectRatio: "1:1", imageSize: "512" } },
    }),
  });

describe("hostile fault syntax", () => {
  it("parses a kind's number and the per-day limit; refuses a number where none belongs", () => {
    const plan = parseFaults("files:trickle/50,apidot.status:huge/2=0.5,gemini:rpd=3,apidot.submit:shape@1");
    expect(plan.rules).toEqual([
      { route: "files", kind: "trickle", param: 50 },
      { route: "apidot.status", kind: "huge", param: 2, rate: 0.5 },
      { route: "apidot.submit", kind: "shape", nth: [1, 1] },
    ]);
    expect(plan.limits).toEqual({ gemini: { rpd: 3 } });
    for (const bad of ["apidot.submit:shape/5", "files:trickle/0", "gemini:rpd/2=3", "gemini.*:rpd=3"]) {
      expect(() => parseFaults(bad)).toThrow(UserError);
    }
  });

  it("`any` never draws a hostile kind, so existing fault mixes behave as before", () => {
    const inj = new FaultInjector("*:any", 7);
    const drawn = new Set<string>();
    for (let i = 0; i < 400; i++) for (const r of ["apidot.submit", "apidot.status", "files"]) drawn.add(inj.decide(r)!.kind);
    for (const k of ["shape", "renamed", "unknown-status", "empty", "trickle", "huge", "leak-key", "redirect", "giant"])
      expect(drawn).not.toContain(k);
  });
});

describe("hostile answers over HTTP", () => {
  it("shape: the submit is processed and charged, the answer is {ok:true}", async () => {
    const s = await start("apidot.submit:shape");
    const r = await submitApidot(s);
    expect(r.statusCode).toBe(200);
    expect(await json(r)).toEqual({ ok: true });
    expect(s.ledger()).toHaveLength(1);
  });

  it("renamed: APIDot's task_id comes back as taskId (and Revid's taskId as task_id)", async () => {
    const s = await start("apidot.submit:renamed,revid.create:renamed");
    const a = await json(await submitApidot(s));
    expect(a.data.taskId).toBe(s.ledger()[0].taskId);
    expect(a.data.task_id).toBeUndefined();
    expect(a.data.createdTime).toBeDefined();
    const rv = await json(
      await request(`${s.url}/paid/nano/banana/create`, {
        method: "POST",
        headers: { "x-api-key": "k", "content-type": "application/json" },
        body: JSON.stringify({ model: "google/nano-banana", input: { prompt: "p", aspect_ratio: "1:1" } }),
      }),
    );
    expect(rv.data.task_id).toBe(s.ledger()[1].taskId);
    expect(s.ledger()).toHaveLength(2);
  });

  it("unknown-status: every status answer carries a status value no docs list", async () => {
    const s = await start("apidot.status:unknown-status");
    const id = (await json(await submitApidot(s))).data.task_id;
    await new Promise((r) => setTimeout(r, 20));
    const body = await json(await request(`${s.url}/api/generate/status/${id}`, { headers: auth }));
    expect(body.data.status).toBe("paused_for_review");
    expect(body.data.task_id).toBe(id);
  });

  it("empty: a finished, charged task with no files (APIDot in both places; Gemini with no image part)", async () => {
    const s = await start("apidot.status:empty,gemini.generate:empty");
    const id = (await json(await submitApidot(s))).data.task_id;
    const done = await finished(s, id);
    expect(done.data.status).toBe("finished");
    expect(done.data.files ?? []).toEqual([]);
    expect(done.data.output?.files ?? []).toEqual([]);
    const g = await json(await gemini(s, "a cat"));
    expect(g.candidates[0].finishReason).toBe("STOP");
    expect(g.candidates[0].content.parts.filter((p: Part) => p.inlineData && !p.thought)).toEqual([]);
    expect(s.ledger().map((c) => c.provider)).toEqual(["apidot", "gemini"]);
  });

  it("trickle: the answer comes one byte per write, with its full content-length announced", async () => {
    const s = await start("apidot.submit:trickle/2");
    const chunks: number[] = [];
    const expected = await new Promise<{ length: number; body: string }>((resolve, reject) => {
      const req = httpRequest(`${s.url}/api/generate/submit`, { method: "POST", headers: auth }, (res) => {
        let body = "";
        res.on("data", (c: Buffer) => ((body += c), chunks.push(c.length)));
        res.on("end", () => resolve({ length: Number(res.headers["content-length"]), body }));
      });
      req.on("error", reject);
      req.end(JSON.stringify({ model: "nano-banana-2", input: { prompt: "p", resolution: "0.5K", size: "1:1" } }));
    });
    expect(JSON.parse(expected.body).data.task_id).toBe(s.ledger()[0].taskId);
    expect(expected.body.length).toBe(expected.length);
    expect(Math.max(...chunks)).toBe(1);
  });

  it("huge: N megabytes, chunked with no content-length, after the request was processed", async () => {
    const s = await start("apidot.submit:huge/2,files:huge/1");
    const r = await submitApidot(s);
    expect(r.headers["content-length"]).toBeUndefined();
    const text = await r.body.text();
    expect(text.length).toBe(2 * 1024 * 1024);
    expect(Object.keys(JSON.parse(text))).toEqual(["padding"]);
    expect(s.ledger()).toHaveLength(1);
    const bytes = await new Promise<number>((resolve) =>
      get(`${s.url}/__simulator/files/x/0.png`, (res) => {
        let n = 0;
        res.on("data", (c: Buffer) => (n += c.length));
        res.on("end", () => resolve(n));
      }),
    );
    expect(bytes).toBe(1024 * 1024);
  });

  it("leak-key: a 401 that echoes the key headers; nothing is charged", async () => {
    const s = await start("apidot.submit:leak-key,gemini.generate:leak-key");
    const r = await submitApidot(s);
    expect(r.statusCode).toBe(401);
    expect(JSON.stringify(await json(r))).toContain("Bearer sk-live-SECRET-123");
    const g = await gemini(s, "a cat", "AIza-LEAKME");
    expect(g.statusCode).toBe(401);
    expect((await json(g)).error.message).toContain("x-goog-api-key: AIza-LEAKME");
    expect(s.ledger()).toEqual([]);
    expect(s.faultCounts()).toMatchObject({ "apidot.submit:leak-key": 1, "gemini.generate:leak-key": 1 });
  });

  it("redirect: the same URL again, one hop more each time, forever; a submit is never processed", async () => {
    const s = await start("apidot.submit:redirect,files:redirect");
    let path = "/api/generate/submit";
    for (let hop = 1; hop <= 5; hop++) {
      const r = await submitApidot(s, path);
      expect(r.statusCode).toBe(307);
      path = String(r.headers.location);
      expect(path).toBe(`/api/generate/submit?hop=${hop}`);
      await r.body.dump();
    }
    const f = await request(`${s.url}/__simulator/files/t/0.png?expires=9&sig=a`);
    expect(f.statusCode).toBe(302);
    expect(f.headers.location).toBe("/__simulator/files/t/0.png?expires=9&sig=a&hop=1");
    expect(s.ledger()).toEqual([]);
    expect(s.requestCounts()["apidot.submit"]).toBe(5);
  });
});

describe("real Gemini shapes", () => {
  it("an image part carries a thoughtSignature and the answer a serviceTier", async () => {
    const s = await start("");
    const g = await json(await gemini(s, "a cat"));
    const image = g.candidates[0].content.parts.find((p: Part) => p.inlineData && !p.thought);
    expect(image.thoughtSignature).toEqual(expect.any(String));
    expect(g.serviceTier).toEqual(expect.any(String));
    expect(g.usageMetadata.candidatesTokensDetails).toContainEqual({ modality: "IMAGE", tokenCount: 747 });
  });

  it("[[no-image]]: finishReason NO_IMAGE with content {} (no parts at all)", async () => {
    const s = await start("");
    const g = await json(await gemini(s, "draw [[no-image]]"));
    expect(g.candidates[0]).toEqual({ content: {}, finishReason: "NO_IMAGE", index: 0 });
  });

  it("a per-day quota: QuotaFailure, Help and RetryInfo details, and it stays exhausted", async () => {
    const s = await start("gemini:rpd=2");
    expect((await gemini(s, "one")).statusCode).toBe(200);
    expect((await gemini(s, "two")).statusCode).toBe(200);
    for (let i = 0; i < 3; i++) {
      const r = await gemini(s, "three");
      expect(r.statusCode).toBe(429);
      const { error } = await json(r);
      expect(error.status).toBe("RESOURCE_EXHAUSTED");
      expect(error.details.map((d: { "@type": string }) => d["@type"].split(".").pop())).toEqual(["QuotaFailure", "Help", "RetryInfo"]);
      expect(error.details[0].violations[0]).toMatchObject({
        quotaId: "GenerateRequestsPerDayPerProjectPerModel",
        quotaDimensions: { location: "global", model: "gemini-3.1-flash-image" },
      });
      // The hint says seconds although the quota lasts until the day ends, as Google's does.
      expect(error.details[2].retryDelay).toBe("34.4s");
    }
    expect(s.ledger()).toHaveLength(2);
  });

  it("the per-day quota resets when the UTC day does", () => {
    const limits = new ServiceLimits(() => ({ gemini: { rpd: 1 } }));
    const state = new SimState();
    const day = 86_400_000;
    expect(limits.check("gemini.generate", state, 5 * day + 10)).toBeUndefined();
    expect(limits.check("gemini.generate", state, 6 * day - 1)?.quota).toEqual({ period: "day", limit: 1 });
    expect(limits.check("gemini.generate", state, 6 * day)).toBeUndefined();
  });

  it("a per-minute 429 names its per-minute quota", async () => {
    const s = await start("gemini.generate:429");
    const { error } = await json(await gemini(s, "x"));
    expect(error.details[0].violations[0].quotaId).toBe("GenerateRequestsPerMinutePerProjectPerModel");
  });
});
