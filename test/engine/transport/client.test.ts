import { afterEach, describe, expect, it } from "vitest";
import { HttpClient } from "../../../src/engine/transport/client.js";
import { HttpError } from "../../../src/engine/transport/errors.js";
import { startSimulator, type Simulator } from "../../../src/simulator/server.js";

let sim: Simulator | undefined;
let http: HttpClient | undefined;
afterEach(async () => {
  await http?.close();
  await sim?.close();
  http = undefined;
  sim = undefined;
});

const submitBody = { model: "nano-banana-2", input: { prompt: "a red apple", resolution: "1K", size: "1:1" } };

async function setup(faults: string) {
  sim = await startSimulator({ latencyMs: 50, faults });
  http = new HttpClient({ timeoutMs: 300, retry: { baseDelayMs: 1, maxDelayMs: 5 } });
  const waits: number[] = [];
  const hooks = { onRetry: (_e: unknown, _a: number, ms: number) => void waits.push(ms), sleep: async () => {} };
  // A submit says it creates a paid task; the transport decides what may be repeated.
  const submit = (createsTask?: boolean) =>
    http!.json(
      { method: "POST", url: `${sim!.url}/api/generate/submit`, headers: { authorization: "Bearer k" }, body: submitBody, createsTask },
      hooks,
    );
  return { submit, waits };
}

describe("HttpClient against the simulator", () => {
  it("a 429 then success is exactly 2 submits and 1 charge, waiting the Retry-After hint", async () => {
    const { submit, waits } = await setup("apidot.submit:429@1");
    const res = await submit(true);
    expect(res.status).toBe(200);
    expect(sim!.requestCounts()["apidot.submit"]).toBe(2);
    expect(sim!.ledger()).toHaveLength(1);
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThanOrEqual(1000); // Retry-After: 1
  });

  it("retries 500, 502, 503 and 504 on a submit: one charge", async () => {
    const { submit } = await setup("apidot.submit:500@1,apidot.submit:502@2,apidot.submit:503@3,apidot.submit:504@4");
    await submit(true);
    expect(sim!.requestCounts()["apidot.submit"]).toBe(5);
    expect(sim!.ledger()).toHaveLength(1);
  });

  it("does not resubmit after a reset or a hang: the outcome is unknown", async () => {
    for (const kind of ["reset", "hang", "malformed"]) {
      const { submit } = await setup(`apidot.submit:${kind}@1`);
      const err = await submit(true).catch((e) => e);
      expect(err).toBeInstanceOf(HttpError);
      expect(sim!.requestCounts()["apidot.submit"]).toBe(1);
      // reset happens before the service sees the request; hang and malformed after it did.
      expect(sim!.ledger()).toHaveLength(kind === "reset" ? 0 : 1);
      await http!.close();
      await sim!.close();
    }
    sim = undefined;
    http = undefined;
  });

  it("retries a status poll through reset, hang and malformed answers (reads are safe)", async () => {
    const { submit } = await setup("apidot.status:reset@1,apidot.status:hang@2,apidot.status:malformed@3");
    const sub = (await submit()).body as { data: { task_id: string } };
    const res = await http!.json<{ data: { status: string } }>(
      { method: "GET", url: `${sim!.url}/api/generate/status/${sub.data.task_id}`, headers: { authorization: "Bearer k" } },
      { sleep: async () => {} },
    );
    expect(res.body.data.status).toBeDefined();
    expect(sim!.requestCounts()["apidot.status"]).toBe(4);
  });

  it("does not retry a 401", async () => {
    const { waits } = await setup("");
    const err = await http!.json({ method: "POST", url: `${sim!.url}/api/generate/submit`, body: submitBody }).catch((e) => e);
    expect((err as HttpError).status).toBe(401);
    expect(waits).toHaveLength(0);
    expect(sim!.requestCounts()["apidot.submit"]).toBe(1);
  });
});

describe("a status inside a 200 body (APIDot's code)", () => {
  it("is retried like the HTTP status and honours Retry-After: 2 requests, the second succeeds", async () => {
    const { createServer } = await import("node:http");
    let hits = 0;
    const server = createServer((_req, res) => {
      hits++;
      const body =
        hits === 1 ? { code: 429, message: "slow down", error: { code: "rate_limited" } } : { code: 200, data: { task_id: "t1" } };
      res.writeHead(200, { "content-type": "application/json", "retry-after": "2" });
      res.end(JSON.stringify(body));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as { port: number }).port;
    const client = new HttpClient({ retry: { baseDelayMs: 1 } });
    const waits: number[] = [];
    try {
      const res = await client.json<{ data: { task_id: string } }>(
        {
          method: "POST",
          url: `http://127.0.0.1:${port}/api/generate/submit`,
          body: {},
          bodyStatus: (b) => (b as { code?: number }).code,
          createsTask: true,
        },
        { onRetry: (_e, _a, ms) => void waits.push(ms), sleep: async () => {} },
      );
      expect(res.body.data.task_id).toBe("t1");
      expect(hits).toBe(2);
      expect(waits[0]).toBeGreaterThanOrEqual(2000);
    } finally {
      await client.close();
      server.close();
    }
  });
});

describe("HttpClient.close", () => {
  /** A server that answers each request when told to, and counts its connections as they close. */
  async function heldServer() {
    const { createServer } = await import("node:http");
    const held: (() => void)[] = [];
    let arrived = 0;
    let closed = 0;
    const server = createServer((req, res) => {
      req.resume();
      arrived++;
      held.push(() => res.end(JSON.stringify({ ok: true })));
    });
    server.on("connection", (socket) => socket.on("close", () => closed++));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
    return { server, url, held, arrived: () => arrived, closed: () => closed };
  }
  const turnsUntil = async (done: () => boolean) => {
    for (let turns = 0; !done(); turns++) {
      if (turns > 100_000) throw new Error("never happened");
      await new Promise((r) => setImmediate(r));
    }
  };

  it("with nothing running, drops its idle connections at once; the server sees them closed", async () => {
    const s = await heldServer();
    const client = new HttpClient();
    try {
      const answers = Array.from({ length: 3 }, () => client.json({ method: "POST", url: s.url, body: {} }));
      await turnsUntil(() => s.arrived() === 3);
      for (const answer of s.held.splice(0)) answer();
      expect((await Promise.all(answers)).map((r) => r.status)).toEqual([200, 200, 200]);
      await client.close();
      await turnsUntil(() => s.closed() === 3);
      expect(s.closed()).toBe(3);
    } finally {
      s.server.close();
    }
  });

  it("with a request running, waits for its answer instead of cutting it off", async () => {
    const s = await heldServer();
    const client = new HttpClient();
    try {
      const answer = client.json<{ ok: boolean }>({ method: "POST", url: s.url, body: {} });
      await turnsUntil(() => s.arrived() === 1);
      let closed = false;
      const closing = client.close().then(() => (closed = true));
      await new Promise((r) => setImmediate(r));
      expect(closed).toBe(false);
      s.held.shift()!();
      expect((await answer).body).toEqual({ ok: true });
      await closing;
      expect(closed).toBe(true);
    } finally {
      s.server.close();
    }
  });
});
