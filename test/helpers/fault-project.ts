import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach } from "vitest";
import type { SimulatorOptions } from "../../src/simulator/context.js";
import { startSimulator, type Simulator } from "../../src/simulator/server.js";
import { tempDir } from "./temp-dir.js";
import { TaskJournal } from "../../src/engine/state/journal.js";

export interface TempProjectOptions {
  assets: number;
  /** Extra top-level config YAML lines. */
  config?: string;
  /** providers.apidot settings as inline YAML, e.g. "{ timeoutMs: 400 }". */
  apidot?: string;
  simulate?: boolean;
  concurrency?: number;
}

/** A project folder in os.tmpdir() with `assets` small nano-banana-2 assets on APIDot; removed when the test is done. */
export function tempProject(opts: TempProjectOptions): string {
  const root = tempDir("nb-faults-");
  mkdirSync(path.join(root, "assets"));
  writeFileSync(
    path.join(root, "nanobanana.config.yaml"),
    [
      "provider: apidot",
      `simulate: ${opts.simulate ?? true}`,
      `concurrency: ${opts.concurrency ?? 8}`,
      'defaults: { model: nano-banana-2, resolution: 0.5K, aspectRatio: "1:1", format: png }',
      `providers:\n  apidot: ${opts.apidot ?? "{ timeoutMs: 400, pollIntervalMs: 20 }"}`,
      opts.config ?? "",
    ].join("\n"),
  );
  const items = Array.from(
    { length: opts.assets },
    (_, i) => `  - { name: "a${String(i).padStart(3, "0")}", prompt: "test image number ${i}" }`,
  );
  writeFileSync(path.join(root, "assets", "set.yaml"), `assets:\n${items.join("\n")}\n`);
  return root;
}

/** Charges per prompt: more than one means the same asset was paid for twice. */
export function chargesByPrompt(charges: Array<{ prompt: string }>): Map<string, number> {
  const m = new Map<string, number>();
  for (const c of charges) m.set(c.prompt, (m.get(c.prompt) ?? 0) + 1);
  return m;
}

/** Starts a simulator for the test that calls it and closes it after that test. */
export function simulatorPerTest(): (opts?: SimulatorOptions) => Promise<Simulator> {
  let sim: Simulator | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });
  return async (opts) => {
    sim = await startSimulator(opts);
    return sim;
  };
}

/** The task journal's entries of a project, as the next build reads them from disk (`.nanobanana/tasks/`: files and intent logs). */
export function journalEntries(root: string): Record<string, unknown>[] {
  return [...new TaskJournal(path.join(root, ".nanobanana")).load().values()] as unknown as Record<string, unknown>[];
}
