import { readFileSync } from "node:fs";
import { parseLock } from "../../core/lock/parse.js";
import { emptyLock, type Lockfile } from "../../core/lock/types.js";

/**
 * Reads the lockfile (JSON: it is read on every build and must parse fast at 10,000 entries).
 * A missing file is an empty lock; conflict markers or a broken file are a clear error.
 */
export function readLock(file: string, shown = file): Lockfile {
  return readLockWithText(file, shown).lock;
}

/** readLock, with the text it parsed (undefined for a missing file). */
export function readLockWithText(file: string, shown = file): { lock: Lockfile; text?: string } {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return { lock: emptyLock() };
    throw err;
  }
  return { lock: parseLock(text, shown), text };
}
