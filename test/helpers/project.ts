import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

/** Writes an inline file tree into a fresh temp folder; returns its path. */
export function tempProject(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "nb-test-"));
  writeFiles(dir, files);
  return dir;
}

export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    const abs = path.join(dir, rel);
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, text);
  }
}

export function removeProject(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** A config for the simulator with a short task latency. */
export function simConfig(extra = ""): string {
  return `provider: apidot
simulate: true
manifests: ["assets/**/*.yaml"]
concurrency: 4
simulator: { latencyMs: 20 }
providers:
  apidot: { pollIntervalMs: 10 }
defaults: { model: nano-banana-2, resolution: 1K, aspectRatio: "1:1", format: png }
brands:
  aether:
    prefix: "Aether house style."
    suffix: "No watermark."
${extra}`;
}
