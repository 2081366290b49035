import { existsSync, mkdtempSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, expect, it } from "vitest";
import { HttpClient } from "../../../src/engine/transport/client.js";
import { HttpError } from "../../../src/engine/transport/errors.js";

let server: Server | undefined;
let http: HttpClient | undefined;
afterEach(async () => {
  await http?.close();
  server?.closeAllConnections();
  server?.close();
});

type Handler = (req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse) => void;

async function serve(handler: Handler): Promise<{ url: string; hits: () => number }> {
  let n = 0;
  server = createServer((req, res) => {
    n++;
    handler(req, res);
  });
  await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, hits: () => n };
}

it("a download that trickles a byte at a time ends at the total deadline, not retried, and leaves no file", async () => {
  const { url, hits } = await serve((_req, res) => {
    res.writeHead(200, { "content-type": "image/png" });
    const t = setInterval(() => res.write("x"), 20);
    res.on("close", () => clearInterval(t));
  });
  http = new HttpClient({ timeoutMs: 600_000, deadlineMs: 300, retry: { baseDelayMs: 1 } });
  const file = path.join(mkdtempSync(path.join(tmpdir(), "nb-dl-")), "img.tmp");
  const err = await http.download({ method: "GET", url, what: "download" }, file).catch((e) => e);
  expect(err).toBeInstanceOf(HttpError);
  expect((err as HttpError).info.code).toBe("deadline");
  expect(hits()).toBe(1);
  expect(existsSync(file)).toBe(true); // the caller's temp file: saveImage removes it on failure
});

it("an answer over the size cap fails unread and is not retried", async () => {
  const { url, hits } = await serve((_req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ data: "y".repeat(100_000) }));
  });
  http = new HttpClient({ maxJsonBytes: 10_000, retry: { baseDelayMs: 1 } });
  const err = await http.json({ method: "GET", url }).catch((e) => e);
  expect((err as HttpError).info.code).toBe("too_large");
  expect(hits()).toBe(1);
});

it("a task-creating request is not repeated after a reset; a read is", async () => {
  const { url, hits } = await serve((req) => req.socket.destroy());
  http = new HttpClient({ retry: { baseDelayMs: 1, maxRetries: 2 } });
  await http.json({ method: "POST", url, body: {}, createsTask: true }).catch(() => {});
  expect(hits()).toBe(1);
  await http.json({ method: "GET", url }).catch(() => {});
  expect(hits()).toBe(4);
});

it("an error that echoes the key is scrubbed of it, and of any Bearer token", async () => {
  const key = "sk-live-ECHO-1234567";
  const { url } = await serve((req, res) => {
    res.writeHead(401, { "content-type": "application/json" });
    res.end(JSON.stringify({ message: `bad header: ${req.headers.authorization} / Key other-secret-99` }));
  });
  http = new HttpClient({ secrets: [key] });
  const err = (await http
    .json({ method: "GET", url, headers: { authorization: `Bearer ${key}` }, describeError: (_s, b) => b as { message: string } })
    .catch((e) => e)) as HttpError;
  expect(err.status).toBe(401);
  expect(err.message).not.toContain(key);
  expect(err.message).not.toContain("other-secret-99");
  expect(err.message).toMatch(/Bearer \[REDACTED\]/);
});
