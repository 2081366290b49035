import path from "node:path";
import { sha256 } from "../../core/hash.js";
import type { Lockfile } from "../../core/lock/types.js";
import type { Project } from "../../core/project.js";
import { listManifests } from "../load/list-manifests.js";
import { manifestFolders } from "../load/manifest-folders.js";
import { toolStamp } from "../load/tool-stamp.js";
import { writeFileAtomic } from "../state/atomic-write.js";
import { STAMP_VERSION, type Stamp, noopStampFile } from "./noop-stamp.js";

/**
 * Records that `project`, with the lock whose text was `lockText`, built as a no-op. Called by
 * build() only for a plain build (no --only, --verify, --plan, shard or batch) that found nothing to do.
 */
export function writeNoopStamp(project: Project, lock: Lockfile, lockText: string, names: string[]): void {
  if (!project.inputs || project.config.codegen || project.config.batch) return;
  // The expansion read the lock (picks, upstream hashes): only the very text this build planned with will do.
  if (project.inputs.lock !== undefined && project.inputs.lock !== sha256(lockText)) return;
  const rel = (abs: string) => path.relative(project.root, abs).split(path.sep).join("/");
  const outDir = rel(project.outDir);
  const folders = manifestFolders(project.root, project.config.manifests, outDir);
  // The walk above came after the load's glob: if the manifests changed in between, no stamp.
  if (folders && listManifests(project.root, project.config.manifests, outDir).join("\0") !== project.manifests.join("\0")) return;
  const dirs = new Set<string>([outDir || ".", path.posix.dirname(rel(project.lockfile)), ".nanobanana"]);
  for (const a of project.assets) dirs.add(path.posix.dirname(a.output));
  const entries = names.map((n) => lock.assets[n]);
  if (entries.some((e) => !e)) return;
  const stamp: Stamp = {
    v: STAMP_VERSION,
    tool: toolStamp(),
    configFile: project.configFile,
    inputs: project.inputs,
    globs: project.config.manifests,
    outDir,
    ...(folders ? { folders } : {}),
    dirs: [...dirs],
    lockfile: project.lockfile,
    lock: sha256(lockText),
    simulated: project.config.simulate,
    names,
    outputs: entries.map((e) => e!.output),
    hashes: entries.map((e) => e!.hash),
    taskIds: entries.map((e) => e!.taskId ?? null),
    bytes: entries.map((e) => e!.bytes),
  };
  try {
    // A cache verified on every read: no fsync.
    writeFileAtomic(noopStampFile(project.root), JSON.stringify(stamp), { flush: "none" });
  } catch {
    // A read-only checkout: the next build just runs in full.
  }
}
