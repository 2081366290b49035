import { ConfigError, UserError } from "../errors/user-error.js";
import { YamlSource } from "../errors/yaml-source.js";
import { zodIssues } from "../errors/zod-issues.js";
import { LockfileSchema } from "../state-schemas.js";
import { LOCKFILE_VERSION, type Lockfile } from "./types.js";

/** Parses lockfile text; conflict markers or a broken file are a clear error naming `shown`. */
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
  const checked = LockfileSchema.safeParse(data);
  if (!checked.success) {
    // JSON is YAML: its parser finds the line of each bad field (only on this error path: it is slow on big locks).
    const issues = zodIssues(checked.error, YamlSource.parse(shown, text), data, LockfileSchema);
    throw new ConfigError(
      issues.map((i) => ({ ...i, message: `${i.message}; fix or remove this entry (restore it from git), nothing was built` })),
    );
  }
  return data;
}
