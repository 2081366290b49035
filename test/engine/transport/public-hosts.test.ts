import { createServer, type Server } from "node:http";
import { afterEach, expect, it } from "vitest";
import { HttpClient } from "../../../src/engine/transport/client.js";
import { HttpError } from "../../../src/engine/transport/errors.js";

let server: Server | undefined;
let client: HttpClient | undefined;
afterEach(async () => {
  server?.close();
  await client?.close();
});

it("publicHostsOnly refuses a name that resolves to a private address when the socket connects, once, without a retry", async () => {
  let requests = 0;
  let connections = 0;
  server = createServer((_req, res) => (requests++, res.end("ok")));
  server.on("connection", () => connections++);
  await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  client = new HttpClient({ retry: { maxRetries: 3, baseDelayMs: 1 } });
  const retries: number[] = [];
  const url = `http://localhost:${port}/logo.png`;
  const err = await client
    .bytes({ method: "GET", url, publicHostsOnly: true }, { onRetry: (_e, n) => retries.push(n) })
    .catch((e: unknown) => e);
  expect(err).toBeInstanceOf(HttpError);
  expect((err as HttpError).message).toMatch(/localhost resolves to (127\.0\.0\.1|::1), a loopback address/);
  expect((err as HttpError).info.code).toBe("EPRIVATEHOST");
  expect(retries).toEqual([]);
  expect(connections).toBe(0);

  // The same client, same URL, without the flag: the provider pool connects as before.
  const ok = await client.bytes({ method: "GET", url: `http://127.0.0.1:${port}/logo.png` });
  expect(ok.data.toString()).toBe("ok");
  expect(requests).toBe(1);
});
