import { readFileSync } from "node:fs";
import { UserError } from "../errors/user-error.js";
import { LOCKFILE_VERSION, emptyLock, type Lockfile } from "./types.js";

/**
 * Reads the lockfile (JSON: it is read on every build and must parse fast at 10,000 entries).
 * A missing file is an empty lock; conflict markers or a broken file are a clear error.
 */
export function readLock(file: string, shown = file): Lockfile {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return emptyLock();
    throw err;
  }
  return parseLock(text, shown);
}

export function parseLock(text: string, shown: string): Lockfile {
  const marker = /^(<{7}|={7}|>{7})( |$)/m.exec(text);
  if (marker) {
    const line = text.slice(0, marker.index).split("\n").length;
    throw new UserError(
      `${shown}:${line}  the lockfile has git conflict markers. Resolve them with \`nanobanana lock merge\` (see the README, "Lockfile merges"); nothing was regenerated.`,
    );
  }
  let data: Lockfile;
  try {
    data = JSON.parse(text) as Lockfile;
  } catch (err) {
    throw new UserError(
      `${shown}  the lockfile is not valid JSON (${(err as Error).message}); restore it from git rather than deleting it, or every asset would be paid for again`,
    );
  }
  if (!data || typeof data !== "object" || typeof data.assets !== "object" || data.assets === null) {
    throw new UserError(`${shown}  the lockfile has no "assets" object`);
  }
  if (data.version > LOCKFILE_VERSION) {
    throw new UserError(
      `${shown}  lockfile version ${data.version} is newer than this nanobanana understands (${LOCKFILE_VERSION}); upgrade nanobanana`,
    );
  }
  return data;
}
