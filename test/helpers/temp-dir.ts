import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, onTestFinished } from "vitest";

/** Folders created outside a running test (e.g. in beforeAll): removed once the file's tests are done. */
const leftovers = new Set<string>();

// This module is evaluated while vitest collects the importing test file, so this
// registers on that file's root suite (each test file gets a fresh module graph).
afterAll(() => {
  for (const dir of leftovers) remove(dir);
  leftovers.clear();
});

function remove(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
  } catch (err) {
    // Cleanup must not turn a passing test into a failing one; say what was left behind.
    console.warn(`could not remove temp folder ${dir}: ${(err as Error).message}`);
  }
}

/**
 * Removes `dir` when the current test finishes (after its afterEach hooks, so simulators
 * closed there are already gone), or after the file's last test when called outside a test.
 * Returns `dir`.
 */
export function removeWhenDone(dir: string): string {
  try {
    onTestFinished(() => remove(dir));
  } catch {
    leftovers.add(dir); // not inside a test
  }
  return dir;
}

/** A fresh folder in os.tmpdir() named `prefix` + random suffix, removed when the test is done. */
export function tempDir(prefix: string): string {
  return removeWhenDone(mkdtempSync(path.join(os.tmpdir(), prefix)));
}
