import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { removeProject, simConfig, tempProject } from "../helpers/project.js";
import { runCli } from "../helpers/cli.js";

let dir = "";
afterEach(() => removeProject(dir));
const manifest = `assets:\n  - name: "card-{{n}}"\n    prompt: "Card number {{n}}"\n    matrix: { n: [1, 2, 3] }\n`;

describe("nanobanana CLI", () => {
  it("build --json prints one JSON object with the contract's fields; exit 0", async () => {
    dir = tempProject({ "nanobanana.config.yaml": simConfig(), "assets/a.yaml": manifest });
    const r = await runCli(["build", "-C", dir, "--json"]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ generated: 3, upToDate: 0, failed: 0, blocked: 0, costUsd: 0.15 });
    expect(out.assets[0]).toEqual({
      name: "card-1",
      status: "generated",
      output: "generated/card-1.png",
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      taskId: expect.any(String),
      costUsd: 0.05,
    });
    const again = JSON.parse((await runCli(["build", "-C", dir, "--json"])).stdout);
    expect(again).toMatchObject({ generated: 0, upToDate: 3, costUsd: 0 });
    expect(again.assets.map((a: { status: string }) => a.status)).toEqual(["up-to-date", "up-to-date", "up-to-date"]);
  });

  it("plan --json gives actions, reasons and estimates, and writes nothing", async () => {
    dir = tempProject({ "nanobanana.config.yaml": simConfig(), "assets/a.yaml": manifest });
    const r = await runCli(["plan", "-C", dir, "--json"]);
    expect(r.code).toBe(0);
    const p = JSON.parse(r.stdout);
    expect(p.estimatedUsd).toBe(0.15);
    expect(p.assets[0]).toEqual({
      name: "card-1",
      action: "new",
      reason: "not in the lockfile",
      hash: expect.any(String),
      estimatedUsd: 0.05,
    });
    expect(() => readFileSync(path.join(dir, "nanobanana.lock"))).toThrow();
  });

  it("plan names the fields that changed", async () => {
    dir = tempProject({ "nanobanana.config.yaml": simConfig(), "assets/a.yaml": manifest });
    await runCli(["build", "-C", dir]);
    writeFileSync(
      path.join(dir, "assets/a.yaml"),
      manifest.replace("Card number", "Card no.").replace("name: ", "resolution: 2K\n    name: "),
    );
    const r = await runCli(["plan", "-C", dir]);
    expect(r.stdout).toMatch(/changed\s+card-1\s+nano-banana-2 2K\s+\$0\.075\s+prompt, resolution changed/);
    expect(r.stdout).toMatch(/0 new, 3 changed, 0 output missing, 0 up to date, 0 orphaned; estimated \$0\.225 with apidot/);
  });

  it("plain progress lines and a summary when not on a terminal", async () => {
    dir = tempProject({ "nanobanana.config.yaml": simConfig(), "assets/a.yaml": manifest });
    const r = await runCli(["build", "-C", dir]);
    expect(r.stderr).toMatch(/^building 3 of 3 assets with apidot on the simulator \(estimate \$0\.15\)$/m);
    expect(r.stderr).toMatch(/^✓ card-2 → generated\/card-2\.png \$0\.05$/m);
    expect(r.stderr).toMatch(/^3 generated, 0 up to date; spent \$0\.15 \(simulated: nothing was charged\)$/m);
    expect(r.stderr).not.toContain("\u001b[");
  });

  it("configuration errors exit 2 with file:line; a missing key names the variable", async () => {
    dir = tempProject({ "nanobanana.config.yaml": simConfig(), "assets/a.yaml": `assets:\n  - name: a\n    prompt: x\n    format: gif\n` });
    const bad = await runCli(["build", "-C", dir]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/assets\/a\.yaml:4:13 {2}assets\[0\]\.format: "gif" is not one of png, jpeg, webp/);

    const real = tempProject({
      "nanobanana.config.yaml": simConfig().replace("simulate: true", "simulate: false"),
      "assets/a.yaml": manifest,
    });
    const noKey = await runCli(["build", "-C", real]);
    removeProject(real);
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toMatch(/no API key for apidot: set the environment variable APIDOT_API_KEY/);
  });

  it("usage errors exit 2; --help and --version exit 0", async () => {
    expect((await runCli(["frobnicate"])).code).toBe(2);
    expect((await runCli(["build", "--concurrency", "zero"])).stderr).toMatch(/--concurrency takes a whole number/);
    expect((await runCli(["build", "--nope"])).code).toBe(2);
    expect((await runCli(["--help"])).stdout).toMatch(/Usage: nanobanana <command>/);
    expect((await runCli(["--version"])).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    const none = await runCli(["build", "-C", "/nonexistent-nb"]);
    expect([none.code, none.stderr]).toEqual([2, expect.stringMatching(/folder not found: \/nonexistent-nb/)]);
  });

  it("--json answers errors in JSON too; --only with no match is an error", async () => {
    dir = tempProject({
      "nanobanana.config.yaml": simConfig(),
      "assets/a.yaml": `assets:\n  - name: a\n    prompt: x\n    aspectRatio: "7:3"\n`,
    });
    const r = await runCli(["build", "-C", dir, "--json"]);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).error.issues[0]).toMatchObject({ file: "assets/a.yaml", line: 4, col: 18, path: "assets[0].aspectRatio" });
    removeProject(dir);
    dir = tempProject({ "nanobanana.config.yaml": simConfig(), "assets/a.yaml": manifest });
    const none = await runCli(["plan", "-C", dir, "--only", "nomatch/*"]);
    expect([none.code, none.stderr]).toEqual([
      2,
      expect.stringMatching(/no asset matches --only nomatch\/\* \(3 assets, e\.g\. card-1, card-2, card-3\)/),
    ]);
    const some = await runCli(["plan", "-C", dir, "--only", "card-1", "--json"]);
    expect(JSON.parse(some.stdout).counts).toEqual({ new: 1, changed: 0, "output-missing": 0, "up-to-date": 0, orphaned: 0, rejected: 0 });
  });

  it("a real build without a key stops before announcing anything", async () => {
    dir = tempProject({ "nanobanana.config.yaml": simConfig().replace("simulate: true", "simulate: false"), "assets/a.yaml": manifest });
    const r = await runCli(["build", "-C", dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(/building/);
  });

  it("init writes a project that builds on the simulator, and never overwrites one", async () => {
    dir = tempProject({});
    const r = await runCli(["init", "-C", dir]);
    expect(r.code).toBe(0);
    const built = JSON.parse((await runCli(["build", "-C", dir, "--json"])).stdout);
    expect(built).toMatchObject({ generated: 4, failed: 0, simulated: true });
    const again = await runCli(["init", "-C", dir]);
    expect([again.code, again.stderr]).toEqual([2, expect.stringMatching(/nanobanana\.config\.yaml already exists/)]);
  });

  it("--simulate builds a real-config project on the simulator without a key", async () => {
    dir = tempProject({ "nanobanana.config.yaml": simConfig().replace("simulate: true", "simulate: false"), "assets/a.yaml": manifest });
    const r = await runCli(["build", "-C", dir, "--simulate", "--json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ generated: 3, simulated: true });
  });
});

describe("nanobanana init", () => {
  it("writes .gitignore with .nanobanana/, or appends it to an existing one once", async () => {
    dir = tempProject({});
    await runCli(["init", "-C", dir]);
    expect(readFileSync(path.join(dir, ".gitignore"), "utf8")).toMatch(/^\.nanobanana\/$/m);
    removeProject(dir);
    dir = tempProject({ ".gitignore": "node_modules" });
    const r = await runCli(["init", "-C", dir]);
    expect(r.stdout).toMatch(/added \.nanobanana\/ to .*\.gitignore/);
    expect(readFileSync(path.join(dir, ".gitignore"), "utf8")).toMatch(/^node_modules\n#.*\n\.nanobanana\/\n$/);
    removeProject(dir);
    dir = tempProject({ ".gitignore": "/.nanobanana\n" });
    await runCli(["init", "-C", dir]);
    expect(readFileSync(path.join(dir, ".gitignore"), "utf8")).toBe("/.nanobanana\n");
  });
});

describe("the library and the CLI name things alike", () => {
  it("planProject returns assets (items is the deprecated alias), as plan --json prints", async () => {
    const { loadProject, planProject } = await import("../../src/all.js");
    dir = tempProject({ "nanobanana.config.yaml": simConfig(), "assets/a.yaml": manifest });
    const p = await planProject(loadProject({ cwd: dir }));
    expect(p.assets.map((a) => a.name)).toEqual(["card-1", "card-2", "card-3"]);
    expect(p.items).toBe(p.assets);
    const cli = JSON.parse((await runCli(["plan", "-C", dir, "--json"])).stdout);
    expect(cli.assets.map((a: { name: string }) => a.name)).toEqual(p.assets.map((a) => a.name));
  });
});
