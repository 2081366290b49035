import { spawnSync } from "node:child_process";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import * as all from "../../src/all.js";
import * as entry from "../../src/index.js";
import { removeProject, simConfig, tempProject } from "../helpers/project.js";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
const url = (rel: string) => pathToFileURL(path.join(ROOT, rel)).href;

// Records every module URL the process loads, then runs `body` after importing the built entry.
function runWithModuleLog(body: string): { loadedBefore: string[]; out: string } {
  const hook = `data:text/javascript,${encodeURIComponent(
    `export async function load(u, c, next) { process.stderr.write("LOADED " + u + "\\n"); return next(u, c); }`,
  )}`;
  const script = `import { register } from "node:module";
register(${JSON.stringify(hook)});
const nb = await import(${JSON.stringify(url("dist/index.js"))});
process.stderr.write("IMPORTED\\n");
${body}`;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
  expect(r.status, r.stderr).toBe(0);
  const before = r.stderr.split("IMPORTED\n")[0];
  return { loadedBefore: [...before.matchAll(/^LOADED (.*)$/gm)].map((m) => m[1]), out: r.stdout };
}

let dir = "";
afterEach(() => removeProject(dir));

describe('the package entry "nanobanana" is light', () => {
  it("loads no zod, YAML, glob, watcher, HTTP or image library and no loader or build module until a call needs them", () => {
    dir = tempProject({
      "nanobanana.config.yaml": simConfig(),
      "assets/a.yaml": `assets:\n  - { name: hero, prompt: "A hero image" }\n  - { name: card, prompt: "A card" }\n`,
    });
    const { loadedBefore, out } = runWithModuleLog(
      `const p = await nb.loadProject({ cwd: ${JSON.stringify(dir)} });
const plan = await nb.planProject(p);
console.log(JSON.stringify({ assets: p.assets.map((a) => a.name), actions: plan.items.map((i) => i.action) }));`,
    );
    const heavy = loadedBefore.filter((u) =>
      /node_modules\/(zod|yaml|fast-glob|chokidar|undici|sharp|p-limit)\/|dist\/engine\/(load|build\/build|watch)\//.test(u),
    );
    expect(heavy).toEqual([]);
    expect(loadedBefore.length).toBeLessThan(80);
    // …and the lazily loaded engine does the real work from the built package.
    expect(JSON.parse(out)).toEqual({ assets: ["hero", "card"], actions: ["new", "new"] });
  });

  it("rejects a broken project with the ConfigError class the entry exports", async () => {
    dir = tempProject({ "nanobanana.config.yaml": `${simConfig()}\nconcurrency: lots\n` });
    const err = await entry.loadProject({ cwd: dir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(entry.ConfigError);
    expect((err as Error).message).toMatch(/concurrency/);
  });

  it("exports every value of nanobanana/all except the synchronous loaders' internals", () => {
    const onlyInAll = Object.keys(all).filter((k) => !(k in entry));
    expect(onlyInAll.sort()).toEqual(["ConfigSchema", "ManifestSchema", "TaskJournal", "WatchSession", "jsonSchemas", "parseLock"]);
    expect(Object.keys(entry).filter((k) => !(k in all))).toEqual([]);
  });
});
