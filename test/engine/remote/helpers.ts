import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll } from "vitest";
import type { SimulatorOptions } from "../../../src/simulator/context.js";
import { startSimulator, type Simulator } from "../../../src/simulator/server.js";
import { startS3, type LocalS3 } from "../../helpers/s3.js";

/** Writes `files` under `root` (path → text). */
export function writeFiles(root: string, files: Record<string, string>): void {
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
    writeFileSync(path.join(root, f), text);
  }
}

/** A simulated project's config with the remote at `prefix` of `s3`. */
export function remoteConfig(s3: LocalS3, prefix: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify(
    {
      provider: "apidot",
      simulate: true,
      concurrency: 8,
      defaults: { model: "nano-banana-2", resolution: "0.5K", aspectRatio: "1:1", format: "png" },
      providers: { apidot: { pollIntervalMs: 10 } },
      remote: s3.remote(prefix),
      ...extra,
    },
    null,
    2,
  );
}

/** A manifest of assets (name → prompt); `refs` adds `{ asset }` references (name → upstream). */
export function manifest(prompts: Record<string, string>, refs: Record<string, string> = {}): string {
  const lines = ["assets:"];
  for (const [name, prompt] of Object.entries(prompts)) {
    lines.push(`  - name: ${JSON.stringify(name)}`, `    prompt: ${JSON.stringify(prompt)}`);
    if (refs[name]) lines.push(`    references: [{ asset: ${JSON.stringify(refs[name])} }]`);
  }
  return `${lines.join("\n")}\n`;
}

export function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", args, {
    cwd,
    encoding: "utf8",
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: "t",
      GIT_AUTHOR_EMAIL: "t@example.com",
      GIT_COMMITTER_NAME: "t",
      GIT_COMMITTER_EMAIL: "t@example.com",
      GIT_CONFIG_NOSYSTEM: "1",
      HOME: cwd,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** An empty git repository at `root` on branch main. */
export function gitInit(root: string): void {
  git(root, "init", "-q", "-b", "main");
  git(root, "config", "commit.gpgsign", "false");
}

/**
 * A simulator and an s3rver for a test file: started before its tests (the simulator's options
 * may depend on the S3 server, e.g. `fetchOrigins`), closed after them.
 */
export function simulatorAndS3(simOptions: (s3: LocalS3) => SimulatorOptions = () => ({ latencyMs: 5 })): { sim: Simulator; s3: LocalS3 } {
  const live = {} as { sim: Simulator; s3: LocalS3 };
  beforeAll(async () => {
    live.s3 = await startS3();
    live.sim = await startSimulator(simOptions(live.s3));
  });
  afterAll(async () => {
    await live.sim?.close();
    await live.s3?.close();
  });
  return live;
}
