// Issue 10: `pull` of 1,000 images from a local S3 server (s3rver): throughput and requests
// (target: at most 2 requests per image, ≥ 5 MB/s on loopback); a no-op build with a remote
// configured sends no request to it (target: 0 connections).
import { randomBytes, createHash } from "node:crypto";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync, appendFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import S3rver from "s3rver";
import { spawn } from "node:child_process";
import { CLI, row } from "./lib/measure.mjs";
import { fakeProject } from "./lib/fake-project.mjs";
import { standalone } from "./lib.mjs";

const COUNT = 1000;

/** `node args` in a child, asynchronously: s3rver and the proxy run in this process and must keep serving. */
function timeNode(args, { env }) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, args, { env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ ms: performance.now() - t0, code, stdout, stderr }));
  });
}
const IMAGE_BYTES = 48 * 1024;

export async function run() {
  const rows = [];
  const s3dir = mkdtempSync(path.join(os.tmpdir(), "nb-bench-s3-"));
  const server = new S3rver({ port: 0, address: "127.0.0.1", silent: true, directory: s3dir, configureBuckets: [{ name: "bench" }] });
  const { port } = await server.run();
  // A counting TCP proxy in front of s3rver: every connection the CLI opens is seen here.
  let connections = 0;
  const proxy = net.createServer((c) => {
    connections++;
    const up = net.connect(port, "127.0.0.1");
    c.pipe(up).pipe(c);
    c.on("error", () => up.destroy());
    up.on("error", () => c.destroy());
  });
  await new Promise((r) => proxy.listen(0, "127.0.0.1", r));
  const endpoint = `http://127.0.0.1:${proxy.address().port}`;
  const env = { ...process.env, AWS_ACCESS_KEY_ID: "S3RVER", AWS_SECRET_ACCESS_KEY: "S3RVER", NO_COLOR: "1" };
  const a = await fakeProject(COUNT, { built: true });
  const b = mkdtempSync(path.join(os.tmpdir(), "nb-bench-clone-"));
  try {
    // Real bytes with real hashes, so that push and pull can verify them.
    const lock = JSON.parse(readFileSync(path.join(a, "nanobanana.lock"), "utf8"));
    for (const e of Object.values(lock.assets)) {
      const data = randomBytes(IMAGE_BYTES);
      writeFileSync(path.join(a, e.output), data);
      e.sha256 = createHash("sha256").update(data).digest("hex");
      e.bytes = data.length;
    }
    writeFileSync(path.join(a, "nanobanana.lock"), JSON.stringify(lock));
    appendFileSync(
      path.join(a, "nanobanana.config.yaml"),
      `remote: { url: "s3://bench/team", endpoint: "${endpoint}", region: us-east-1, forcePathStyle: true }\n`,
    );
    const pushed = await timeNode([CLI, "push", "-C", a, "--json", "--concurrency", "16"], { env });
    if (pushed.code !== 0) throw new Error(pushed.stderr);
    const p = JSON.parse(pushed.stdout);
    rows.push(
      row(
        `push ${COUNT} images (${(IMAGE_BYTES / 1024).toFixed(0)} KB each)`,
        `${(pushed.ms / 1000).toFixed(1)} s, ${p.requests} requests`,
        "-",
        p.pushed.length === COUNT,
      ),
    );

    // The clone: config, manifests and lockfile only (outDir not committed).
    for (const f of ["nanobanana.config.yaml", "nanobanana.lock", "assets"]) cpSync(path.join(a, f), path.join(b, f), { recursive: true });
    const pulled = await timeNode([CLI, "pull", "-C", b, "--json", "--concurrency", "16"], { env });
    if (pulled.code !== 0) throw new Error(pulled.stderr);
    const r = JSON.parse(pulled.stdout);
    const mbps = r.bytes / 1e6 / (pulled.ms / 1000);
    rows.push(row(`pull ${COUNT} images (CLI wall)`, `${(pulled.ms / 1000).toFixed(1)} s`, "-", r.fromRemote.length === COUNT));
    rows.push(row("pull throughput", `${mbps.toFixed(1)} MB/s`, ">= 5 MB/s", mbps >= 5));
    rows.push(row("pull requests per image", `${(r.requests / COUNT).toFixed(2)}`, "<= 2", r.requests <= 2 * COUNT));

    connections = 0;
    const noop = await timeNode([CLI, "build", "-C", b, "--json"], { env });
    const out = JSON.parse(noop.stdout);
    rows.push(
      row(
        `no-op build of ${COUNT} with a remote (connections to it)`,
        `${connections} (${noop.ms.toFixed(0)} ms)`,
        "0",
        connections === 0 && out.upToDate === COUNT,
      ),
    );
  } finally {
    proxy.close();
    await server.close();
    for (const d of [a, b, s3dir]) rmSync(d, { recursive: true, force: true });
  }
  const missed = rows.filter((r) => r.result === "FAIL");
  return {
    name: "remote store: pull and no-op (issue 10)",
    rows,
    target: "pull ≥ 5 MB/s with ≤ 2 requests per image; a no-op build opens no connection to the remote",
    pass: missed.length === 0,
    verdict: missed.length ? `missed: ${missed.map((r) => r.name).join("; ")}` : "all met",
  };
}

await standalone(import.meta, run);
