import { afterEach, describe, expect, it } from "vitest";
import { request } from "undici";
import { main } from "../../src/cli/run.js";
import { UserError } from "../../src/core/errors/user-error.js";
import { errorAnswer } from "../../src/simulator/error-answers.js";
import { parseFaults } from "../../src/simulator/fault-syntax.js";
import { FaultInjector } from "../../src/simulator/faults.js";
import { routeMatches, routeName } from "../../src/simulator/route-names.js";
import { startSimulator, type Simulator } from "../../src/simulator/server.js";

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const auth = { authorization: "Bearer k", "content-type": "application/json" };
const submit = (s: Simulator, prompt = "p") =>
  request(`${s.url}/api/generate/submit`, {
    method: "POST",
    headers: auth,
    body: JSON.stringify({ model: "nano-banana-2", input: { prompt, resolution: "0.5K", size: "1:1" } }),
  });
const taskId = async (s: Simulator, prompt = "p") =>
  ((await (await submit(s, prompt)).body.json()) as { data: { task_id: string } }).data.task_id;
const status = async (s: Simulator, id: string) =>
  (await (await request(`${s.url}/api/generate/status/${id}`, { headers: auth })).body.json()) as { data: Record<string, unknown> };

describe("fault syntax", () => {
  it("parses rates, percentages, n-th requests, every-request rules and limits", () => {
    const plan = parseFaults(
      "apidot.submit:429=0.2, *:reset=5%,files:truncate@2-3 apidot.status:503,apidot:rpm=60,apidot:tasks=4,*:any=0.1",
    );
    expect(plan.rules).toEqual([
      { route: "apidot.submit", kind: "429", rate: 0.2 },
      { route: "*", kind: "reset", rate: 0.05 },
      { route: "files", kind: "truncate", nth: [2, 3] },
      { route: "apidot.status", kind: "503" },
      { route: "*", kind: "any", rate: 0.1 },
    ]);
    expect(plan.limits).toEqual({ apidot: { rpm: 60, tasks: 4 } });
  });

  it("rejects bad items with a UserError naming the item and the allowed kinds", () => {
    for (const bad of [
      "apidot.submit:418=0.1",
      "apidot.submit:429=1.5",
      "nocolon",
      "apidot.*:rpm=60",
      "apidot:rpm=0",
      "files:truncate@3-2",
    ]) {
      expect(() => parseFaults(bad)).toThrow(UserError);
    }
    expect(() => parseFaults("x:teapot")).toThrow(/teapot.*\n.*\n.*\n.*\n.*\n.*\n.*KIND is one of 429, 500/s);
  });

  it("a bad --faults is a usage error (exit 2)", async () => {
    let err = "";
    const stream = { write: (t: string) => ((err += t), true), isTTY: false } as unknown as NodeJS.WriteStream;
    const code = await main(["simulator", "--faults", "apidot.submit:teapot=0.1", "--port", "0"], {
      stdout: stream,
      stderr: stream,
      env: {},
    });
    expect(code).toBe(2);
    expect(err).toMatch(/error: --faults: "apidot.submit:teapot=0.1": unknown fault/);
  });

  it("names routes for every provider and matches globs", () => {
    expect(routeName("POST", "/api/generate/submit")).toBe("apidot.submit");
    expect(routeName("GET", "/api/generate/status/ad_1")).toBe("apidot.status");
    expect(routeName("POST", "/v1beta/models/gemini-3-pro-image:generateContent")).toBe("gemini.generate");
    expect(routeName("POST", "/fal-ai/nano-banana/edit")).toBe("fal.submit");
    expect(routeName("GET", "/fal-ai/nano-banana/requests/r1/status")).toBe("fal.status");
    expect(routeName("GET", "/fal-ai/nano-banana/requests/r1")).toBe("fal.result");
    expect(routeName("POST", "/paid/nano/banana/create")).toBe("revid.create");
    expect(routeName("POST", "/paid/get/taskid")).toBe("revid.query");
    expect(routeName("GET", "/__simulator/files/t/0.png")).toBe("files");
    expect(routeName("GET", "/__simulator/ledger")).toBeUndefined();
    expect(routeMatches("apidot.*", "apidot.status")).toBe(true);
    expect(routeMatches("*.submit", "fal.submit")).toBe(true);
    expect(routeMatches("apidot.*", "files")).toBe(false);
  });

  it("is reproducible from the seed, and differs between seeds", () => {
    const pattern = (seed: number) => {
      const inj = new FaultInjector("*:any=0.3", seed);
      return Array.from({ length: 200 }, () => inj.decide("apidot.status")?.kind ?? "-").join(",");
    };
    expect(pattern(42)).toBe(pattern(42));
    expect(pattern(42)).not.toBe(pattern(43));
    const hits = pattern(42)
      .split(",")
      .filter((k) => k !== "-").length;
    expect(hits).toBeGreaterThan(35);
    expect(hits).toBeLessThan(85);
  });

  it("only applies a kind where it makes sense", () => {
    const inj = new FaultInjector("*:truncate,*:fail");
    expect(inj.decide("apidot.status")).toBeUndefined();
    expect(inj.decide("files")?.kind).toBe("truncate");
    expect(inj.decide("apidot.submit")?.kind).toBe("fail");
  });
});

describe("the simulator under faults", () => {
  it("answers a 429 in each provider's own shape: Retry-After for APIDot, RetryInfo only for Gemini", () => {
    const a = errorAnswer("apidot", 429, "slow down", 2500);
    expect(a.headers["retry-after"]).toBe("3");
    expect(a.body).toMatchObject({ code: 429, error: { code: "rate_limited" } });
    const g = errorAnswer("gemini", 429, "Quota exceeded.", 26_000);
    expect(g.headers).toEqual({});
    expect(g.body).toEqual({
      error: {
        code: 429,
        message: "Quota exceeded. Please retry in 26s.",
        status: "RESOURCE_EXHAUSTED",
        details: [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "26s" }],
      },
    });
  });

  it("injects HTTP errors with the wait hint, counts them, and can be changed at runtime", async () => {
    sim = await startSimulator({ faults: "apidot.submit:429@1,apidot.submit:503@2" });
    const r1 = await submit(sim);
    expect(r1.statusCode).toBe(429);
    expect(r1.headers["retry-after"]).toBe("1");
    await r1.body.dump();
    expect((await submit(sim)).statusCode).toBe(503);
    expect((await submit(sim)).statusCode).toBe(200);
    expect(sim.requestCounts()["apidot.submit"]).toBe(3);
    expect(sim.ledger()).toHaveLength(1);
    expect(sim.faultCounts()).toEqual({ "apidot.submit:429": 1, "apidot.submit:503": 1 });
    sim.setFaults("apidot.submit:500");
    expect((await submit(sim)).statusCode).toBe(500);
    sim.setFaults(undefined);
    expect((await submit(sim)).statusCode).toBe(200);
  });

  it("resets the connection, and answers a hung request never", async () => {
    sim = await startSimulator({ faults: "apidot.submit:reset@1,apidot.submit:hang@2" });
    await expect(submit(sim)).rejects.toThrow();
    expect(sim.ledger()).toHaveLength(0);
    await expect(
      request(`${sim.url}/api/generate/submit`, {
        method: "POST",
        headers: auth,
        body: JSON.stringify({ model: "nano-banana-2", input: { prompt: "p" } }),
        headersTimeout: 300,
      }),
    ).rejects.toThrow(/timeout/i);
    // The hung submit was processed: a task exists and was charged.
    expect(sim.ledger()).toHaveLength(1);
  });

  it("marks tasks failed or blocked at acceptance (charged, like a real service)", async () => {
    sim = await startSimulator({ latencyMs: 0, faults: "apidot.submit:fail@1,apidot.submit:block@2" });
    const failed = await status(sim, await taskId(sim, "one"));
    const blocked = await status(sim, await taskId(sim, "two"));
    expect(failed.data).toMatchObject({ status: "failed" });
    expect(blocked.data).toMatchObject({ status: "failed" });
    expect(String(blocked.data.error_message)).toMatch(/safety/);
    expect(sim.ledger()).toHaveLength(2);
  });

  it("spoils downloads: truncated, not an image, expired", async () => {
    sim = await startSimulator({ latencyMs: 0, faults: "files:truncate@1,files:notimage@2,files:expired@3" });
    const done = await status(sim, await taskId(sim));
    const files = ((done.data.output ?? done.data) as { files: Array<{ file_url: string }> }).files;
    const url = files[0].file_url;
    const t = await request(url);
    expect(Number(t.headers["content-length"])).toBeGreaterThan(0);
    await expect(t.body.arrayBuffer()).rejects.toThrow();
    const n = await request(url);
    expect(n.headers["content-type"]).toBe("text/html");
    expect(await n.body.text()).toMatch(/<html>/);
    const e = await request(url);
    expect(e.statusCode).toBe(403);
    await e.body.dump();
    const ok = await request(url);
    expect(ok.statusCode).toBe(200);
    expect(
      Buffer.from(await ok.body.arrayBuffer())
        .subarray(1, 4)
        .toString(),
    ).toBe("PNG");
    expect(sim.requestCounts().files).toBe(4);
  });

  it("enforces requests per minute and concurrent tasks with the provider's 429", async () => {
    sim = await startSimulator({ latencyMs: 60_000, faults: "apidot:rpm=3,apidot:tasks=2" });
    expect((await submit(sim, "a")).statusCode).toBe(200);
    expect((await submit(sim, "b")).statusCode).toBe(200);
    const third = await submit(sim, "c");
    expect(third.statusCode).toBe(429);
    expect(((await third.body.json()) as { message: string }).message).toMatch(/concurrent/);
    expect(Number(third.headers["retry-after"])).toBeGreaterThan(50);
    const fourth = await request(`${sim.url}/api/generate/status/x`, { headers: auth });
    expect(fourth.statusCode).toBe(404); // third request in the window is allowed
    await fourth.body.dump();
    const fifth = await request(`${sim.url}/api/generate/status/x`, { headers: auth });
    expect(fifth.statusCode).toBe(429);
    expect(((await fifth.body.json()) as { message: string }).message).toMatch(/3 requests per minute/);
    expect(sim.faultCounts()).toEqual({ "apidot.submit:rate-limited": 1, "apidot.status:rate-limited": 1 });
    expect(sim.ledger()).toHaveLength(2);
  });
});
