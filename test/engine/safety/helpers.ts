import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { onTestFinished } from "vitest";
import { tempDir } from "../../helpers/temp-dir.js";

export const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../dist/cli/main.js");

/** A temp project with `count` assets (0.5K nano-banana-2, cheap to render) on the simulator. A folder it creates is removed when the test is done. */
export function makeProject(opts: { count: number; prefix?: string; config?: string; dir?: string }): string {
  const dir = opts.dir ?? tempDir("nb-safety-");
  mkdirSync(path.join(dir, "assets"), { recursive: true });
  writeFileSync(
    path.join(dir, "nanobanana.config.yaml"),
    `provider: apidot\nsimulate: true\nmanifests: ["assets/**/*.yaml"]\noutDir: generated\nconcurrency: 12\ndefaults: { model: nano-banana-2, resolution: 0.5K, aspectRatio: "1:1", format: png }\n${opts.config ?? ""}`,
  );
  writeManifest(dir, "assets.yaml", opts.count, opts.prefix ?? "Test tile");
  return dir;
}

export function writeManifest(dir: string, file: string, count: number, prefix: string, namePrefix = "tile"): void {
  const items = Array.from({ length: count }, (_, i) => i + 1);
  writeFileSync(
    path.join(dir, "assets", file),
    `assets:\n  - name: "${namePrefix}-{{n}}"\n    prompt: "${prefix} number {{n}}."\n    matrix: { n: [${items.join(", ")}] }\n`,
  );
}

export interface Child {
  proc: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
}

/** Runs the CLI as a child process (killed when the test ends, if still running, before its project folder is removed). */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}, cwd?: string): Child {
  const proc = spawn(process.execPath, [CLI, ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: "1", CI: "1", GITHUB_ACTIONS: "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  proc.stdout!.on("data", (d) => (out += d));
  proc.stderr!.on("data", (d) => (err += d));
  const exit = new Promise<number | null>((resolve) => proc.on("close", (code, signal) => resolve(signal ? null : code)));
  try {
    // Registered after the project's folder, so (hooks run last-in, first-out) this runs before its removal.
    onTestFinished(async () => {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill("SIGKILL");
        await exit;
      }
    });
  } catch {
    // not inside a test: the caller owns the child
  }
  return { proc, stdout: () => out, stderr: () => err, exit };
}

/** Waits until `pred` holds, polling (no timing assertions; just a way to sequence). */
export async function until(pred: () => boolean, timeoutMs = 120_000): Promise<void> {
  const start = Date.now();
  while (!pred()) {
    if (Date.now() - start > timeoutMs) throw new Error("condition not reached in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Runs the CLI in this process (fast; for commands that need no signals). */
export async function runMain(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const { main } = await import("../../../src/cli/run.js");
  let stdout = "";
  let stderr = "";
  const stream = (append: (s: string) => void) =>
    ({ isTTY: false, write: (s: string) => (append(String(s)), true) }) as unknown as NodeJS.WriteStream;
  const code = await main(argv, {
    stdout: stream((s) => (stdout += s)),
    stderr: stream((s) => (stderr += s)),
    env: { NO_COLOR: "1", ...env },
  });
  return { code, stdout, stderr };
}
