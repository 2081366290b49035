import { statSync } from "node:fs";
import { packageVersion } from "./package-root.js";
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
  // Outside its package (a copy) the version is "?": the file's own stamp still tells builds apart.
  stamp = `${packageVersion()}:${st.size}:${st.mtimeMs}:${self}`;
  return stamp;
}
