import { readFileSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";

let stamp: string | undefined;

/**
 * Identifies this build of nanobanana, for caches of what its code computed (expansions, the
 * no-op stamp): the package's version (an upgrade from the registry, whose files all carry the
 * same mtime) and this compiled file's size and mtime (rewritten by every build of the tool).
 */
export function toolStamp(): string {
  if (stamp) return stamp;
  const self = fileURLToPath(import.meta.url);
  const st = statSync(self);
  let version = "?";
  try {
    version = (JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as { version?: string }).version ?? "?";
  } catch {
    // Not inside its package (a bundled copy): the file's own stamp still tells builds apart.
  }
  stamp = `${version}:${st.size}:${st.mtimeMs}:${self}`;
  return stamp;
}
