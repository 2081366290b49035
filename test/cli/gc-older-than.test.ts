import { readdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { removeProject, simConfig, tempProject } from "../helpers/project.js";

let dir = "";
afterEach(() => removeProject(dir));
const storeFiles = () =>
  readdirSync(path.join(dir, ".nanobanana/store"), { recursive: true })
    .map(String)
    .filter((f) => /\.(img|json)$/.test(f));
const hashesIn = (files: string[]) => new Set(files.map((f) => path.basename(f).replace(/\.(img|json)$/, "")));

describe("gc --older-than", () => {
  it("removes only stored history older than the age; recent history stays", async () => {
    dir = tempProject({ "nanobanana.config.yaml": simConfig(), "assets/a.yaml": `assets:\n  - name: a\n    prompt: "first"\n` });
    const manifest = path.join(dir, "assets/a.yaml");
    await runCli(["build", "-C", dir]);
    const first = hashesIn(storeFiles());
    writeFileSync(manifest, readFileSync(manifest, "utf8").replace("first", "second"));
    await runCli(["build", "-C", dir]);
    // The first image was stored 40 days ago.
    const old = new Date(Date.now() - 40 * 86_400_000);
    for (const f of storeFiles())
      if (first.has(path.basename(f).replace(/\.(img|json)$/, ""))) utimesSync(path.join(dir, ".nanobanana/store", f), old, old);
    const second = [...hashesIn(storeFiles())].filter((h) => !first.has(h));
    writeFileSync(manifest, readFileSync(manifest, "utf8").replace("second", "third"));
    await runCli(["build", "-C", dir]);

    const r = await runCli(["gc", "-C", dir, "--older-than", "30d", "--json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).store).toEqual([...first]);
    const left = hashesIn(storeFiles());
    expect([...first].some((h) => left.has(h))).toBe(false);
    expect(second.every((h) => left.has(h))).toBe(true);

    expect((await runCli(["gc", "-C", dir, "--older-than", "soon"])).stderr).toMatch(/--older-than takes an age like 30d/);
    const all = await runCli(["gc", "-C", dir, "--json"]);
    expect(JSON.parse(all.stdout).store).toEqual(second);
  });
});
