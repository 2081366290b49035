import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { entryConsistent } from "../../../src/core/lock/consistent.js";
import { startSimulator, type Simulator } from "../../../src/simulator/server.js";
import { runCli } from "../../helpers/cli.js";
import { tempDir } from "../../helpers/temp-dir.js";
import { git, gitInit, writeFiles } from "./helpers.js";

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ latencyMs: 5 });
});
afterAll(() => sim.close());

const config = JSON.stringify({
  provider: "apidot",
  simulate: true,
  defaults: { model: "nano-banana-2", resolution: "0.5K", aspectRatio: "1:1", format: "png" },
  providers: { apidot: { pollIntervalMs: 10 } },
});
const manifest = (prompt: string, seed: number) =>
  `assets:\n  - name: x\n    prompt: ${JSON.stringify(prompt)}\n    aspectRatio: "1:1"\n    format: png\n    resolution: 0.5K\n    seed: ${seed}\n  - name: hero\n    prompt: "A hero"\n  - name: scene\n    prompt: "The hero on a beach"\n    references: [{ asset: hero }]\n`;
const MAIN_JS = path.resolve(__dirname, "../../../dist/cli/main.js");

/** A repo where branch a changed x's prompt and branch b its seed (each built), merged into a. */
async function diverged(driver: boolean): Promise<{ root: string; merged: boolean }> {
  const env = { NANOBANANA_SIMULATOR_URL: sim.url };
  const root = tempDir("nb-merge-");
  gitInit(root);
  writeFiles(root, { "nanobanana.config.yaml": config, ".gitignore": ".nanobanana/\n", "assets/a.yaml": manifest("A cat", 1) });
  if (driver) {
    writeFiles(root, { ".gitattributes": "nanobanana.lock merge=nanobanana\n" });
    git(root, "config", "merge.nanobanana.driver", `node ${MAIN_JS} lock merge %O %A %B`);
  }
  expect((await runCli(["build", "-C", root], env)).code).toBe(0);
  git(root, "add", "-A");
  git(root, "commit", "-qm", "base");
  git(root, "checkout", "-qb", "b");
  writeFiles(root, { "assets/a.yaml": manifest("A cat", 2) });
  expect((await runCli(["build", "-C", root], env)).code).toBe(0);
  git(root, "commit", "-qam", "seed");
  git(root, "checkout", "-q", "main");
  writeFiles(root, { "assets/a.yaml": manifest("A dog", 1) });
  expect((await runCli(["build", "-C", root], env)).code).toBe(0);
  git(root, "commit", "-qam", "prompt");
  let merged = true;
  try {
    git(root, "merge", "-q", "--no-edit", "b");
  } catch {
    merged = false;
  }
  return { root, merged };
}

it("without the driver: lock merge resolves the markers of a project with asset references, taking entries whole", async () => {
  const { root, merged } = await diverged(false);
  expect(merged).toBe(false);
  expect(readFileSync(path.join(root, "nanobanana.lock"), "utf8")).toMatch(/^<<<<<<< /m);
  // The manifest merged cleanly to prompt "A dog", seed 2: a spec neither side built.
  expect(readFileSync(path.join(root, "assets/a.yaml"), "utf8")).toMatch(/A dog[\s\S]*seed: 2/);
  const r = await runCli(["lock", "merge", "-C", root]);
  expect(r.stderr).toMatch(/merged \d+ lock entries/);
  const lock = JSON.parse(readFileSync(path.join(root, "nanobanana.lock"), "utf8"));
  for (const e of Object.values(lock.assets)) expect(entryConsistent(e as never)).toBe(true);
  const plan = JSON.parse((await runCli(["plan", "-C", root, "--json"], { NANOBANANA_SIMULATOR_URL: sim.url })).stdout);
  const x = plan.assets.find((a: { name: string }) => a.name === "x");
  // Our side's entry, taken whole from git's index: the manifest differs from it by the seed alone.
  expect(x.action).toBe("changed");
  expect(x.reason).toMatch(/^seed changed/);
  expect(plan.assets.find((a: { name: string }) => a.name === "scene").action).toBe("up-to-date");
});

it("with the driver: git merges the lockfile itself, every entry whole", async () => {
  // The driver exits 1 (git reports a conflict) because neither side's x matches the merged manifest: worth a look.
  const { root } = await diverged(true);
  const text = readFileSync(path.join(root, "nanobanana.lock"), "utf8");
  expect(text).not.toMatch(/^<<<<<<< /m);
  for (const e of Object.values(JSON.parse(text).assets)) expect(entryConsistent(e as never)).toBe(true);
});

it("a mixed entry (one side's hash, the other's spec) is detected on read and reported", async () => {
  const { root } = await diverged(false);
  const text = readFileSync(path.join(root, "nanobanana.lock"), "utf8");
  // What a careless hand-resolution makes: keep our side of every conflict, the cleanly merged spec lines stay mixed.
  const oursOnly = text.replace(/^<<<<<<< .*\n([\s\S]*?)^=======\n[\s\S]*?^>>>>>>> .*\n/gm, "$1");
  const lock = JSON.parse(oursOnly);
  const x = lock.assets.x;
  expect(x.spec.prompt).toBe("A dog");
  expect(x.spec.seed).toBe(2);
  expect(entryConsistent(x)).toBe(false);
  writeFiles(root, { "nanobanana.lock": oursOnly });
  const plan = JSON.parse((await runCli(["plan", "-C", root, "--json"], { NANOBANANA_SIMULATOR_URL: sim.url })).stdout);
  expect(plan.assets.find((a: { name: string }) => a.name === "x").reason).toMatch(/not trusted/);
});
