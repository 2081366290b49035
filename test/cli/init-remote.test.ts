import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";
import { loadProject } from "../../src/engine/load/load.js";
import { git, gitInit, simulatorAndS3 } from "../engine/remote/helpers.js";
import { runCli } from "../helpers/cli.js";
import { tempDir } from "../helpers/temp-dir.js";

const live = simulatorAndS3();

it("init --remote sets up the recipe: a remote: block, outputs ignored, and a clone that pulls its images", async () => {
  const a = tempDir("nb-init-remote-");
  gitInit(a);
  const init = await runCli(["init", "-C", a, "--remote", `s3://${live.s3.bucket}/team`]);
  expect(init.code).toBe(0);
  expect(init.stdout).toMatch(/; wrote .*\.gitignore/);
  expect(init.stdout).toContain("nanobanana pull");
  expect(loadProject({ cwd: a }).config.remote).toEqual({ url: `s3://${live.s3.bucket}/team` });
  expect(readFileSync(path.join(a, ".gitignore"), "utf8")).toMatch(/^\.nanobanana\/\n(#.*\n)?generated\/\n$/m);

  // A local service needs its endpoint: the commented lines say where it goes.
  const cfg = path.join(a, "nanobanana.config.yaml");
  writeFileSync(
    cfg,
    readFileSync(cfg, "utf8")
      .replace(/# endpoint: \S+/, `endpoint: ${live.s3.endpoint}`)
      .replace("# forcePathStyle: true", "forcePathStyle: true"),
  );
  const env = { NANOBANANA_SIMULATOR_URL: live.sim.url };
  const built = await runCli(["build", "-C", a, "--json"], env);
  expect(built.code).toBe(0);
  expect(JSON.parse(built.stdout).generated).toBe(4);
  git(a, "add", "-A");
  git(a, "commit", "-qm", "init");
  const tracked = git(a, "ls-files").split("\n").filter(Boolean).sort();
  expect(tracked).toEqual([".gitignore", "assets/example.yaml", "nanobanana.config.yaml", "nanobanana.lock"]);

  const b = tempDir("nb-init-clone-");
  git(path.dirname(b), "clone", "-q", a, b);
  const charges = live.sim.ledger().length;
  const pulled = await runCli(["pull", "-C", b, "--json"], env);
  expect(pulled.code).toBe(0);
  expect(JSON.parse(pulled.stdout).fromRemote).toHaveLength(4);
  const lock = JSON.parse(readFileSync(path.join(b, "nanobanana.lock"), "utf8"));
  for (const e of Object.values(lock.assets) as { output: string }[])
    expect(readFileSync(path.join(b, e.output)).equals(readFileSync(path.join(a, e.output)))).toBe(true);
  expect(live.sim.ledger().length).toBe(charges);
});

it("init --remote adds only what .gitignore lacks, and refuses a URL that is not s3://bucket/prefix", async () => {
  const dir = tempDir("nb-init-remote-");
  writeFileSync(path.join(dir, ".gitignore"), "node_modules\n/generated\n");
  const r = await runCli(["init", "-C", dir, "--remote", "s3://my-bucket/nanobanana"]);
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/added \.nanobanana\/ to .*\.gitignore/);
  expect(readFileSync(path.join(dir, ".gitignore"), "utf8")).toMatch(/^node_modules\n\/generated\n#.*\n\.nanobanana\/\n$/);
  const bad = await runCli(["init", "-C", tempDir("nb-init-bad-"), "--remote", "https://my-bucket.s3.amazonaws.com"]);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain("--remote takes s3://bucket/prefix");
});
