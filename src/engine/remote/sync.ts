import { existsSync, statSync } from "node:fs";
import path from "node:path";
import pLimit from "p-limit";
import type { LockEntry } from "../../core/lock/types.js";
import { matchesAny, nameGlob } from "../../core/name-glob.js";
import type { Project } from "../../core/project.js";
import { UserError } from "../../core/errors/user-error.js";
import { hashFile } from "../facts.js";
import { acquireProjectLock } from "../state/project-lock.js";
import { readLock } from "../state/read-lock.js";
import { ContentStore } from "../store/content-store.js";
import { openRemote } from "./open-remote.js";
import type { RemoteStore } from "./types.js";

export interface SyncOptions {
  /** Only lock entries whose asset name matches one of these globs. */
  only?: string[];
  /** Requests in flight at once (default 16). */
  concurrency?: number;
  /** Use this remote (tests); default the config's `remote:`. */
  remote?: RemoteStore;
  /** Told about corrupt objects and failed transfers. */
  onProblem?: (message: string) => void;
  wait?: boolean;
}

export interface PullResult {
  /** Names whose output already matched the lockfile (sha256 checked). */
  present: string[];
  fromStore: string[];
  fromRemote: string[];
  /** Names nothing could restore (absent or corrupt everywhere). */
  missing: string[];
  bytes: number;
  requests: number;
}

/**
 * `nanobanana pull`: makes every output the lockfile names match it (sha256), from the local
 * store or else the remote, like `dvc pull`. Pays for nothing, submits nothing.
 */
export async function pull(project: Project, stateDir: string, opts: SyncOptions = {}): Promise<PullResult> {
  const held = await acquireProjectLock(stateDir, { wait: opts.wait, command: "pull" });
  const remote = opts.remote ?? (await openRemote(project, { onProblem: opts.onProblem }));
  try {
    const store = new ContentStore(stateDir);
    const out: PullResult = { present: [], fromStore: [], fromRemote: [], missing: [], bytes: 0, requests: 0 };
    const limit = pLimit(opts.concurrency ?? 16);
    await Promise.all(
      entries(project, opts.only).map(([name, e]) =>
        limit(async () => {
          const dest = path.join(project.root, e.output);
          if (await matches(dest, e)) return void out.present.push(name);
          const kept = store.get(e.hash);
          if (kept?.sha256 === e.sha256 && (await store.restore(e.hash, dest))) return void out.fromStore.push(name);
          const got = await remote
            ?.fetch(e.hash, Boolean(e.simulated), dest, e.sha256)
            .catch((err: unknown) => void opts.onProblem?.(`${name}: ${(err as Error).message}`));
          if (!got) return void out.missing.push(name);
          out.fromRemote.push(name);
          out.bytes += e.bytes;
          try {
            store.put({ ...got, output: e.output }, dest);
          } catch {
            // the store is a cache
          }
        }),
      ),
    );
    for (const list of [out.present, out.fromStore, out.fromRemote, out.missing]) list.sort();
    out.requests = remote?.requests ?? 0;
    return out;
  } finally {
    if (!opts.remote) remote?.close();
    held.release();
  }
}

export interface PushResult {
  pushed: string[];
  /** Already in the remote. */
  present: string[];
  /** Named by the lockfile, but neither its output nor the store holds the image. */
  missing: string[];
  failed: string[];
  requests: number;
}

/** `nanobanana push`: uploads every image the lockfile names that the remote lacks. */
export async function push(project: Project, stateDir: string, opts: SyncOptions = {}): Promise<PushResult> {
  const remote = opts.remote ?? (await requireRemote(project, opts));
  try {
    const store = new ContentStore(stateDir);
    const out: PushResult = { pushed: [], present: [], missing: [], failed: [], requests: 0 };
    const limit = pLimit(opts.concurrency ?? 16);
    await Promise.all(
      entries(project, opts.only).map(([name, e]) =>
        limit(async () => {
          try {
            if (await remote.has(e.hash, Boolean(e.simulated))) return void out.present.push(name);
            const dest = path.join(project.root, e.output);
            const file = (await matches(dest, e)) ? dest : store.get(e.hash)?.sha256 === e.sha256 ? store.imagePath(e.hash) : undefined;
            if (!file) return void out.missing.push(name);
            (await remote.push(e, file)) === "pushed" ? out.pushed.push(name) : out.present.push(name);
          } catch (err) {
            out.failed.push(name);
            opts.onProblem?.(`${name}: ${(err as Error).message}`);
          }
        }),
      ),
    );
    for (const list of [out.pushed, out.present, out.missing, out.failed]) list.sort();
    out.requests = remote.requests;
    return out;
  } finally {
    if (!opts.remote) remote.close();
  }
}

/** `build --check --remote`: lock entries the remote lacks (one HEAD each, no download). */
export async function missingFromRemote(project: Project, opts: SyncOptions = {}): Promise<string[]> {
  const remote = opts.remote ?? (await requireRemote(project, opts));
  try {
    const missing: string[] = [];
    const limit = pLimit(opts.concurrency ?? 16);
    await Promise.all(
      entries(project, opts.only).map(([name, e]) =>
        limit(async () => {
          if (!(await remote.has(e.hash, Boolean(e.simulated)))) missing.push(name);
        }),
      ),
    );
    return missing.sort();
  } finally {
    if (!opts.remote) remote.close();
  }
}

async function requireRemote(project: Project, opts: SyncOptions): Promise<RemoteStore> {
  const remote = await openRemote(project, { onProblem: opts.onProblem });
  if (!remote) throw new UserError("no remote is configured: add `remote: { url: s3://bucket/prefix }` to nanobanana.config.yaml");
  return remote;
}

/** Lock entries (by asset name) that --only selects. */
function entries(project: Project, only?: string[]): [string, LockEntry][] {
  const lock = readLock(project.lockfile, path.relative(project.root, project.lockfile));
  const all = Object.entries(lock.assets);
  if (!only?.length) return all;
  const globs = only.map(nameGlob);
  const picked = all.filter(([name]) => matchesAny(name, globs));
  if (!picked.length) throw new UserError(`no lock entry matches --only ${only.join(", ")}`);
  return picked;
}

/** True when the file exists with the entry's size and sha256. */
async function matches(file: string, e: LockEntry): Promise<boolean> {
  if (!existsSync(file)) return false;
  try {
    return statSync(file).size === e.bytes && (await hashFile(file)) === e.sha256;
  } catch {
    return false;
  }
}
