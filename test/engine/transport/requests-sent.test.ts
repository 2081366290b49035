import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { afterEach, describe, expect, it } from "vitest";
import { HttpClient } from "../../../src/engine/transport/client.js";
import { whenRequestsSent } from "../../../src/engine/transport/requests-sent.js";
import { startSimulator, type Simulator } from "../../../src/simulator/server.js";

let sim: Simulator | undefined;
let http: HttpClient | undefined;
afterEach(async () => {
  await http?.close();
  await sim?.close();
});

/** A few turns of the event loop (no clock involved). */
const turns = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
};

describe("whenRequestsSent", () => {
  it("resolves once every request of a burst has been written, before their answers", async () => {
    sim = await startSimulator({ latencyMs: 200 });
    http = new HttpClient();
    const written: unknown[] = [];
    const onSent = (m: unknown) => written.push(m);
    subscribe("undici:client:sendHeaders", onSent);
    try {
      let sent = false;
      const ready = whenRequestsSent().then(() => {
        sent = true;
      });
      await turns(5);
      expect(sent).toBe(false); // no request yet: nothing to wait for, and nothing resolved
      let answered = 0;
      const body = { model: "nano-banana-2", input: { prompt: "p", resolution: "1K", size: "1:1" } };
      const burst = Array.from({ length: 5 }, (_, i) =>
        http!
          .json({ method: "POST", url: `${sim!.url}/api/generate/submit`, headers: { authorization: "Bearer k" }, body: { ...body, i } })
          .then(() => void answered++),
      );
      await ready;
      expect(written).toHaveLength(5);
      await Promise.all(burst);
      expect(answered).toBe(5);
    } finally {
      unsubscribe("undici:client:sendHeaders", onSent);
    }
  });

  it("counts a request that fails before it is sent as gone", async () => {
    http = new HttpClient({ retry: { maxRetries: 0 } });
    const ready = whenRequestsSent();
    // Port 9 on loopback: nothing listens, the connection is refused.
    await expect(http.json({ method: "GET", url: "http://127.0.0.1:9/none" })).rejects.toThrow();
    await ready;
  });
});
