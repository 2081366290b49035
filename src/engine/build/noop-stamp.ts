import path from "node:path";
import type { Project } from "../../core/project.js";

/**
 * The no-op stamp (`.nanobanana/cache/noop.json`): written by a build that found every asset
 * up to date and had nothing else to do. It names what that build read, by content: the config,
 * each manifest, each local reference file, the lockfile, and this build of nanobanana. A later
 * plain `build` that reads exactly the same (and finds the task journal empty, every output
 * with the bytes its lock entry records and no symbolic link leading out) is a no-op too, and
 * answers without parsing YAML, expanding, hashing specs or validating the lock again.
 *
 * Anything that differs, or is missing, or is unreadable, only means the full build runs.
 */
export interface Stamp {
  v: number;
  tool: string;
  configFile: string;
  inputs: NonNullable<Project["inputs"]>;
  /** config.manifests and the output folder (relative): how the manifests were listed. */
  globs: string[];
  outDir: string;
  /** What manifestFolders() listed (absent: the globs are asked again). */
  folders?: string[];
  /** Folders (relative) whose links must still stay inside the project: outputs', the outDir's, the lock's, .nanobanana. */
  dirs: string[];
  lockfile: string;
  /** sha256 of the lockfile's text, which that build validated and found every asset up to date in. */
  lock: string;
  simulated: boolean;
  /** The assets, sorted as a build's result lists them, with what the lock says of each (in columns: quick to parse). */
  names: string[];
  outputs: string[];
  hashes: string[];
  taskIds: Array<string | null>;
  bytes: number[];
}

export const STAMP_VERSION = 1;

export function noopStampFile(root: string): string {
  return path.join(root, ".nanobanana", "cache", "noop.json");
}
