import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";
import { build } from "../../../src/engine/build/build.js";
import { loadProject } from "../../../src/engine/load/load.js";
import { runCli } from "../../helpers/cli.js";
import { tempDir } from "../../helpers/temp-dir.js";
import { manifest, remoteConfig, simulatorAndS3, writeFiles } from "./helpers.js";

const live = simulatorAndS3();

const env = () => ({ NANOBANANA_SIMULATOR_URL: live.sim.url });
const prompts = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`card-${i}`, `Card ${i}`]));
const chain = { "card-1": "card-0", "card-2": "card-1", "card-5": "card-4" };

function project(prefix: string): string {
  const root = tempDir("nb-remote-");
  writeFiles(root, { "nanobanana.config.yaml": remoteConfig(live.s3, prefix), "assets/cards.yaml": manifest(prompts, chain) });
  return root;
}

/** The lockfile without what differs between two machines that made the same images. */
function comparable(root: string): unknown {
  const lock = JSON.parse(readFileSync(path.join(root, "nanobanana.lock"), "utf8"));
  for (const e of Object.values(lock.assets) as Record<string, unknown>[]) {
    delete e.taskId;
    delete e.generatedAt;
  }
  return lock;
}

it("4 shards then a final build: one charge per asset, the same lockfile as one machine's", async () => {
  const single = project("single");
  const before = live.sim.ledger().length;
  expect((await runCli(["build", "-C", single], env())).code).toBe(0);
  expect(live.sim.ledger().length - before).toBe(12);

  const template = project("sharded");
  const charges = live.sim.ledger().length;
  const built: string[] = [];
  for (let i = 1; i <= 4; i++) {
    const machine = tempDir("nb-shard-");
    cpSync(template, machine, { recursive: true });
    const r = await runCli(["build", "-C", machine, "--shard", `${i}/4`, "--json"], env());
    expect(r.code).toBe(0);
    const names = JSON.parse(r.stdout)
      .assets.filter((a: { status: string }) => a.status === "generated")
      .map((a: { name: string }) => a.name);
    // a chain never straddles two shares
    for (const [down, up] of Object.entries(chain)) expect(names.includes(down)).toBe(names.includes(up));
    built.push(...names);
  }
  expect(built.sort()).toEqual(Object.keys(prompts).sort());
  expect(live.sim.ledger().length - charges).toBe(12);

  const final = await runCli(["build", "-C", template, "--json"], env());
  expect(final.code).toBe(0);
  const r = JSON.parse(final.stdout);
  expect(r.costUsd).toBe(0);
  expect(r.generated).toBe(12);
  expect(live.sim.ledger().length - charges).toBe(12);
  expect(comparable(template)).toEqual(comparable(single));
});

it("a remote that dies mid-build: the build finishes, images stay local, push catches up later", async () => {
  const root = project("killed");
  let stopping: Promise<void> | undefined;
  const r = await build(loadProject({ cwd: root }), {
    simulatorUrl: live.sim.url,
    concurrency: 2,
    onEvent: (e) => {
      if (e.type === "generated" && !stopping) stopping = live.s3.stop();
    },
  });
  await stopping;
  expect(r.generated).toBe(12);
  expect(r.failed).toBe(0);
  expect(r.warnings.some((w) => w.includes("could not push"))).toBe(true);
  expect((await runCli(["build", "--check", "--remote", "-C", root], env())).code).not.toBe(0);
  await live.s3.start();
  const pushed = await runCli(["push", "-C", root, "--json"], env());
  expect(pushed.code).toBe(0);
  expect(JSON.parse(pushed.stdout).pushed.length).toBeGreaterThan(0);
  expect((await runCli(["build", "--check", "--remote", "-C", root], env())).code).toBe(0);
});

it("a corrupt object in the remote is detected by sha256 and never used", async () => {
  const root = project("corrupt");
  writeFiles(root, { "assets/cards.yaml": manifest({ solo: "A lone card" }) });
  expect((await runCli(["build", "-C", root], env())).code).toBe(0);
  const lock = JSON.parse(readFileSync(path.join(root, "nanobanana.lock"), "utf8"));
  const hash: string = lock.assets.solo.hash;
  // flip the stored image bytes behind the server's back
  const objects = findFiles(live.s3.dir, (f) => f.includes(hash) && f.includes(".img") && f.endsWith("_S3rver_object"));
  expect(objects).toHaveLength(1);
  const bytes = readFileSync(objects[0]);
  bytes[bytes.length - 20] ^= 0xff;
  writeFileSync(objects[0], bytes);
  rmSync(path.join(root, lock.assets.solo.output));
  rmSync(path.join(root, ".nanobanana"), { recursive: true, force: true });

  const pulled = await runCli(["pull", "-C", root], env());
  expect(pulled.code).toBe(1);
  expect(pulled.stderr).toMatch(/does not match its metadata/);
  const charges = live.sim.ledger().length;
  const rebuilt = await runCli(["build", "-C", root, "--json"], env());
  const out = JSON.parse(rebuilt.stdout);
  expect(out.assets[0].status).toBe("generated");
  expect(live.sim.ledger().length - charges).toBe(1); // paid again rather than trusting a corrupt image
  expect(readFileSync(path.join(root, lock.assets.solo.output)).length).toBe(lock.assets.solo.bytes);
});

function findFiles(dir: string, keep: (f: string) => boolean): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const full = path.join(e.parentPath, e.name);
    if (e.isFile() && keep(full)) out.push(full);
  }
  return out;
}
