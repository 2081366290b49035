import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";
import { runCli } from "../../helpers/cli.js";
import { tempDir } from "../../helpers/temp-dir.js";
import { git, gitInit, manifest, remoteConfig, simulatorAndS3, writeFiles } from "./helpers.js";

const live = simulatorAndS3();

const N = 40;
const prompts = (over: Record<string, string> = {}) =>
  Object.fromEntries(Array.from({ length: N }, (_, i) => [`icon-${i}`, over[`icon-${i}`] ?? `Icon number ${i}, flat style`]));
const old = { "icon-0": "Old icon zero", "icon-1": "Old icon one", "icon-2": "Old icon two" };

it("clone B pulls clone A's images from the remote, then renames and reverts at no charge", async () => {
  const env = { NANOBANANA_SIMULATOR_URL: live.sim.url };
  const a = tempDir("nb-clone-a-");
  gitInit(a);
  writeFiles(a, {
    "nanobanana.config.yaml": remoteConfig(live.s3, "two-clones"),
    ".gitignore": "generated/\n.nanobanana/\n",
    "assets/icons.yaml": manifest(prompts(old)),
  });
  const charges = live.sim.ledger().length;
  expect((await runCli(["build", "-C", a], env)).code).toBe(0);
  writeFiles(a, { "assets/icons.yaml": manifest(prompts()) });
  const second = await runCli(["build", "-C", a, "--json"], env);
  expect(second.code).toBe(0);
  expect(JSON.parse(second.stdout).generated).toBe(3);
  expect(live.sim.ledger().length - charges).toBe(N + 3);
  git(a, "add", "-A");
  git(a, "commit", "-qm", "icons");
  expect(git(a, "ls-files")).not.toContain("generated/");

  const b = tempDir("nb-clone-b-");
  git(path.dirname(b), "clone", "-q", a, b);
  const paid = live.sim.ledger().length;
  const pulled = await runCli(["pull", "-C", b, "--json"], env);
  expect(pulled.code).toBe(0);
  expect(JSON.parse(pulled.stdout).fromRemote).toHaveLength(N);
  const lock = JSON.parse(readFileSync(path.join(b, "nanobanana.lock"), "utf8"));
  for (const e of Object.values(lock.assets) as { output: string }[])
    expect(readFileSync(path.join(b, e.output)).equals(readFileSync(path.join(a, e.output)))).toBe(true);
  expect((await runCli(["build", "--check", "--remote", "-C", b], env)).code).toBe(0);

  // Rename 5 assets and revert 3 specs: the renames come from the pulled outputs, the reverts from the remote.
  const renamed = prompts(old);
  for (let i = 10; i < 15; i++) {
    renamed[`logo-${i}`] = renamed[`icon-${i}`];
    delete renamed[`icon-${i}`];
  }
  writeFiles(b, { "assets/icons.yaml": manifest(renamed) });
  const plan = JSON.parse((await runCli(["plan", "-C", b, "--json"], env)).stdout);
  expect(plan.counts.new + plan.counts.changed).toBe(8);
  expect(plan.estimatedUsd).toBe(0);
  const built = await runCli(["build", "-C", b, "--json"], env);
  expect(built.code).toBe(0);
  const r = JSON.parse(built.stdout);
  expect(r.generated).toBe(8);
  expect(r.costUsd).toBe(0);
  expect(live.sim.ledger().length).toBe(paid);
  const after = JSON.parse(readFileSync(path.join(b, "nanobanana.lock"), "utf8"));
  expect(readFileSync(path.join(b, after.assets["logo-10"].output)).equals(readFileSync(path.join(a, lock.assets["icon-10"].output)))).toBe(
    true,
  );
});
