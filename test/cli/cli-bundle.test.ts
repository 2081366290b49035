import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { removeProject, tempProject } from "../helpers/project.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const MAIN = path.join(root, "dist", "cli", "main.js");
const BUNDLE = path.join(root, "dist", "cli", "nanobanana.cjs");

describe("the CLI bundle (dist/cli/nanobanana.cjs)", () => {
  it("runs in strict mode: its first statement is the directive", () => {
    const text = readFileSync(BUNDLE, "utf8");
    expect(text.replace(/^(\/\/[^\n]*\n)*/, "").startsWith('"use strict";')).toBe(true);
    // and it has no import(): a script compiled from a code cache cannot run one on Node 20
    expect(execFileSync(process.execPath, [MAIN, "--version"], { encoding: "utf8" })).toMatch(/\d+\.\d+\.\d+/);
  });

  it("keeps its regular expressions as written, non-ASCII characters included", () => {
    // names.ts refuses Windows device names with /com[0-9¹²³]/: "com¹" is one.
    const dir = tempProject({
      "nanobanana.config.yaml": "provider: gemini\nsimulate: true\n",
      "assets/a.yaml": 'assets:\n  - { name: "com¹", prompt: "x" }\n',
    });
    try {
      const r = spawnSync(process.execPath, [MAIN, "plan", "-C", dir], { encoding: "utf8" });
      expect(r.status).toBe(2);
      expect(r.stderr).toContain('"com¹" is a reserved device name on Windows');
    } finally {
      removeProject(dir);
    }
  });

  it("builds without loading Node's http2 (undici's HTTP/2 client is required only if used)", () => {
    const dir = tempProject({
      "nanobanana.config.yaml": "provider: gemini\nsimulate: true\ndefaults: { format: jpeg }\n",
      "assets/a.yaml": 'assets:\n  - { name: "a", prompt: "a pear" }\n',
    });
    try {
      const probe = path.join(dir, "probe.cjs");
      writeFileSync(
        probe,
        'process.on("exit", () => require("node:fs").writeFileSync(process.env.PROBE_OUT, JSON.stringify(process.moduleLoadList.filter((m) => /http2/.test(m)))));',
      );
      const out = path.join(dir, "loaded.json");
      const r = spawnSync(process.execPath, ["--require", probe, MAIN, "build", "-C", dir, "--json"], {
        encoding: "utf8",
        env: { ...process.env, PROBE_OUT: out },
      });
      expect(r.status).toBe(0);
      expect(JSON.parse(r.stdout).generated).toBe(1);
      expect(readFileSync(path.join(dir, "generated", "a.jpg")).subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
      expect(JSON.parse(readFileSync(out, "utf8"))).toEqual([]);
    } finally {
      removeProject(dir);
    }
  });
});

describe("the CLI's undici (scripts/cli-undici.cjs)", () => {
  const { Agent, request } = createRequire(import.meta.url)("../../scripts/cli-undici.cjs");

  it("sends to the path and query of the URL, on the dispatcher given", async () => {
    const seen: string[] = [];
    const server = createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      res.end("ok");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const agent = new Agent();
    try {
      const { port } = server.address() as { port: number };
      const res = await request(`http://127.0.0.1:${port}/v1/files/a%20b?alt=media&x=1`, { method: "GET", dispatcher: agent });
      expect(await res.body.text()).toBe("ok");
      await (await request(`http://127.0.0.1:${port}/plain`, { method: "POST", body: "{}", dispatcher: agent })).body.text();
      expect(seen).toEqual(["GET /v1/files/a%20b?alt=media&x=1", "POST /plain"]);
    } finally {
      await agent.close();
      server.close();
    }
  });

  it("refuses anything but http(s) at once, as undici's own request does", () => {
    const agent = new Agent();
    expect(() => request("ftp://example.com/a", { method: "GET", dispatcher: agent })).toThrow(/http:. or .https:/);
    expect(() => request("localhost:8080/v1", { method: "GET", dispatcher: agent })).toThrow(TypeError);
    return agent.close();
  });
});
