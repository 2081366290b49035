import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { sha256 } from "../../core/hash.js";
import { staysInsideReally } from "../fs/real-path.js";
import { findConfig } from "../load/find-config.js";
import { manifestFolders } from "../load/manifest-folders.js";
import { toolStamp } from "../load/tool-stamp.js";
import { acquireProjectLock, type AcquireOptions } from "../state/project-lock.js";
import type { AssetResult, BuildResult } from "./events.js";
import { STAMP_VERSION, type Stamp, noopStampFile } from "./noop-stamp.js";

export interface QuickNoopOptions extends Pick<AcquireOptions, "wait" | "onWait" | "signal"> {
  cwd?: string;
  config?: string;
  /** The overrides the full load would apply (the CLI's `{ simulate, batch }`). */
  overrides: Record<string, unknown>;
}

/**
 * The result of a plain build when the stamp proves it is a no-op, or undefined when the full
 * build must run. Holds the project's build lock while it checks, as a build does.
 */
export async function quickNoop(opts: QuickNoopOptions): Promise<BuildResult | undefined> {
  let configFile: string;
  try {
    configFile = findConfig(path.resolve(opts.cwd ?? process.cwd()), opts.config);
  } catch {
    return undefined; // the full load says what is wrong
  }
  const root = path.dirname(configFile);
  const stamp = readStamp(root);
  if (!stamp || stamp.tool !== toolStamp() || stamp.configFile !== configFile) return undefined;
  if (stamp.inputs.overrides !== JSON.stringify(opts.overrides)) return undefined;
  if (!(await sameInputs(root, configFile, stamp))) return undefined;
  const stateDir = path.join(root, ".nanobanana");
  const held = await acquireProjectLock(stateDir, { wait: opts.wait, onWait: opts.onWait, signal: opts.signal });
  try {
    if (hasJournalFiles(path.join(stateDir, "tasks"))) return undefined;
    let text: Buffer;
    try {
      text = readFileSync(stamp.lockfile);
    } catch {
      return undefined;
    }
    // The very text that build validated and planned: no need to parse it again.
    if (sha256(text) !== stamp.lock) return undefined;
    const assets: AssetResult[] = [];
    for (let i = 0; i < stamp.names.length; i++) {
      const output = stamp.outputs[i];
      let st: ReturnType<typeof statSync>;
      try {
        st = statSync(path.join(root, output), { throwIfNoEntry: false });
      } catch {
        return undefined; // ENOTDIR and the like: the full build says what is wrong
      }
      if (!st?.isFile() || st.size !== stamp.bytes[i]) return undefined;
      const taskId = stamp.taskIds[i] ?? undefined;
      assets.push({ name: stamp.names[i], status: "up-to-date", output, hash: stamp.hashes[i], taskId, costUsd: 0 });
    }
    return {
      generated: 0,
      upToDate: assets.length,
      failed: 0,
      blocked: 0,
      rejected: 0,
      skipped: 0,
      costUsd: 0,
      simulated: stamp.simulated,
      assets,
      costByModel: {},
      warnings: [],
      interrupted: false,
      leftRunning: 0,
      possibleDuplicates: [],
    };
  } finally {
    held.release();
  }
}

function readStamp(root: string): Stamp | undefined {
  try {
    const s = JSON.parse(readFileSync(noopStampFile(root), "utf8")) as Stamp;
    return s.v === STAMP_VERSION && Array.isArray(s.names) && s.inputs ? s : undefined;
  } catch {
    return undefined;
  }
}

/** The config, the manifest list and each manifest's and reference file's content are what the stamp recorded; no link leads out. */
async function sameInputs(root: string, configFile: string, stamp: Stamp): Promise<boolean> {
  const digestOf = (file: string, encoding?: "utf8") => {
    try {
      return sha256(encoding ? readFileSync(file, encoding) : readFileSync(file));
    } catch {
      return undefined;
    }
  };
  if (digestOf(configFile, "utf8") !== stamp.inputs.config) return false;
  const recorded = stamp.inputs.manifests;
  if (stamp.folders) {
    if (manifestFolders(root, stamp.globs, stamp.outDir)?.join("\0") !== stamp.folders.join("\0")) return false;
  } else {
    let listed: string[];
    try {
      listed = (await import("../load/list-manifests.js")).listManifests(root, stamp.globs, stamp.outDir);
    } catch {
      return false;
    }
    if (listed.join("\0") !== recorded.map(([f]) => f).join("\0")) return false;
  }
  for (const [file, digest] of recorded) if (digestOf(path.join(root, file), "utf8") !== digest) return false;
  for (const [file, digest] of stamp.inputs.references) if (digestOf(file) !== digest) return false;
  return stamp.dirs.every((d) => staysInsideReally(root, path.join(root, d)));
}

/** Task journal entries (or anything else in .nanobanana/tasks) mean the full build: it collects or reports them. */
function hasJournalFiles(dir: string): boolean {
  try {
    return readdirSync(dir).some((n) => n !== ".gitignore");
  } catch {
    return false;
  }
}
