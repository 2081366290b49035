import { type ChildProcess, spawn } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import { CLI } from "../engine/safety/helpers.js";
import { runCli } from "../helpers/cli.js";
import { solidImage } from "../helpers/sim-project.js";

let images: Server;
let origin = "";
let served = 0;
let child: ChildProcess | undefined;
beforeAll(async () => {
  const png = await solidImage("#336699");
  images = createServer((req, res) => {
    if (req.url !== "/ref.png") return void res.writeHead(404).end();
    served++;
    res.writeHead(200, { "content-type": "image/png", "content-length": png.length }).end(png);
  });
  await new Promise<void>((resolve) => images.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(images.address() as AddressInfo).port}`;
});
afterAll(async () => {
  child?.kill("SIGTERM");
  await new Promise<void>((resolve) => images.close(() => resolve()));
});

/** `nanobanana simulator` as a user starts it, from dist/; resolves with its URL. */
function standalone(args: string[]): Promise<string> {
  child = spawn(process.execPath, [CLI, "simulator", "--port", "0", "--latency-ms", "5", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  return new Promise((resolve, reject) => {
    let out = "";
    child!.stdout!.on("data", (d) => {
      out += d;
      const m = /listening on (\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child!.once("exit", (code) => reject(new Error(`simulator exited ${code}: ${out}`)));
  });
}

const submit = (sim: string, url: string) =>
  fetch(`${sim}/api/generate/submit`, {
    method: "POST",
    headers: { authorization: "Bearer k", "content-type": "application/json" },
    body: JSON.stringify({ model: "nano-banana-2-edit", input: { prompt: "A mug", resolution: "0.5K", image_urls: [url] } }),
  });

it("simulator --fetch-origin downloads reference URLs of that origin, and refuses a submit whose reference cannot be fetched", async () => {
  const sim = await standalone(["--fetch-origin", origin]);
  expect((await submit(sim, `${origin}/ref.png`)).status).toBe(200);
  expect(served).toBe(1);
  const missing = await submit(sim, `${origin}/gone.png`);
  expect(missing.status).toBe(400);
  expect(((await missing.json()) as { message: string }).message).toContain("could not be fetched (HTTP 404)");
  const ledger = (await (await fetch(`${sim}/__simulator/ledger`)).json()) as { charges: unknown[] };
  expect(ledger.charges).toHaveLength(1);
});

it("a --fetch-origin that is not an origin is a usage error", async () => {
  const r = await runCli(["simulator", "--fetch-origin", "s3://bucket"]);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain("--fetch-origin takes an origin like http://127.0.0.1:4568");
});
