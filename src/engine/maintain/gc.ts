import { lstatSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { namesIn } from "../fs/names-in.js";
import { acquireProjectLock } from "../state/project-lock.js";
import { TaskJournal } from "../state/journal.js";
import { readLock } from "../state/read-lock.js";
import { serializeLock } from "../../core/lock/serialize.js";
import type { Project } from "../../core/project.js";
import { writeFileAtomic } from "../state/atomic-write.js";
import { hashFile } from "../facts.js";
import { ContentStore } from "../store/content-store.js";

export interface GcOptions {
  /** List what would go, remove nothing. */
  dryRun?: boolean;
  /** Wait for a running build instead of stopping. */
  wait?: boolean;
  /** Keep stored images (history) stored less than this long ago; default: remove all unasked ones. */
  olderThanMs?: number;
  /** The clock, for olderThanMs (default Date.now). */
  now?: () => number;
}

export interface GcResult {
  /** Output files (project-relative) no manifest asks for. */
  outputs: string[];
  /** Spec hashes whose stored image no manifest asks for. */
  store: string[];
  /** Lock entries of assets in no manifest. */
  lockEntries: string[];
  bytes: number;
  dryRun: boolean;
}

const IMAGE = /\.(png|jpe?g|webp|avif)$/i;
/** Temp files left by a killed build: `.name.<pid>.<n>.tmp`. */
const TEMP = /^\..+\.\d+\.\d+\.tmp$/;

/**
 * Removes what no manifest asks for: images in outDir (and temp files a killed build left),
 * store entries, orphaned lock entries. Never touches anything outside outDir and the store,
 * never an output whose sha256 the lock or the store did not record (nor a temp file not named
 * like ours), never the task journal (paid tasks still to collect). Links are not followed,
 * and loadProject refuses an outDir that a link leads out of the project.
 */
export async function gc(project: Project, stateDir: string, opts: GcOptions = {}): Promise<GcResult> {
  const held = opts.dryRun ? undefined : await acquireProjectLock(stateDir, { wait: opts.wait, command: "gc" });
  try {
    const wanted = new Set(project.assets.map((a) => path.resolve(project.root, a.output)));
    for (const a of project.assets) for (const d of a.derived ?? []) wanted.add(path.resolve(project.root, d.output));
    const keepHashes = new Set(project.assets.map((a) => a.hash));
    for (const h of new TaskJournal(stateDir).load().keys()) keepHashes.add(h);
    const result: GcResult = { outputs: [], store: [], lockEntries: [], bytes: 0, dryRun: Boolean(opts.dryRun) };

    // Only images nanobanana made: a file goes when its sha256 is one the lock or the store
    // recorded, never because of its name (a text file called .png stays).
    const lock = readLock(project.lockfile, path.relative(project.root, project.lockfile));
    const recorded = new Set(Object.values(lock.assets).map((e) => e.sha256));
    const store = new ContentStore(stateDir);
    for (const h of store.hashes()) {
      const e = store.get(h);
      if (e) recorded.add(e.sha256);
    }
    // Hidden folders (.git, .nanobanana) and node_modules are never outputs, even with outDir ".".
    for (const file of walk(project.outDir, (d) => d.startsWith(".") || d === "node_modules")) {
      const base = path.basename(file);
      if (wanted.has(file)) continue;
      if (!TEMP.test(base) && !(IMAGE.test(base) && recorded.has(await hashFile(file)))) continue;
      result.outputs.push(path.relative(project.root, file).split(path.sep).join("/"));
      result.bytes += remove(file, opts.dryRun);
    }
    const cutoff = opts.olderThanMs === undefined ? undefined : (opts.now?.() ?? Date.now()) - opts.olderThanMs;
    const storeDir = path.join(stateDir, "store");
    const seen = new Set<string>();
    if (cutoff !== undefined) {
      // Recent history stays whole: a hash any of whose files was written after the cutoff.
      for (const file of walk(storeDir)) {
        const hash = /^([0-9a-f]{16,})\.(img|json)$/.exec(path.basename(file))?.[1];
        if (hash && statSync(file).mtimeMs >= cutoff) keepHashes.add(hash);
      }
    }
    for (const file of [...walk(storeDir), ...walk(path.join(stateDir, "incoming"))]) {
      const base = path.basename(file);
      const hash = /^([0-9a-f]{16,})\.(img|json)$/.exec(base)?.[1];
      if (hash && keepHashes.has(hash)) continue;
      if (!hash && !TEMP.test(base) && !file.includes(`${path.sep}incoming${path.sep}`)) continue;
      if (hash && !seen.has(hash)) {
        seen.add(hash);
        result.store.push(hash);
      }
      result.bytes += remove(file, opts.dryRun);
    }
    const names = new Set(project.assets.map((a) => a.name));
    result.lockEntries = Object.keys(lock.assets)
      .filter((n) => !names.has(n))
      .sort();
    if (result.lockEntries.length && !opts.dryRun) {
      for (const n of result.lockEntries) delete lock.assets[n];
      writeFileAtomic(project.lockfile, serializeLock(lock));
    }
    result.outputs.sort();
    result.store.sort();
    return result;
  } finally {
    held?.release();
  }
}

/** Regular files under `dir`, absolute; symlinks are not followed (nothing outside is reached). */
function* walk(dir: string, skipDir: (name: string) => boolean = () => false): Generator<string> {
  for (const n of namesIn(dir)) {
    const abs = path.join(dir, n);
    const st = lstatSync(abs);
    if (st.isDirectory()) {
      if (!skipDir(n)) yield* walk(abs, skipDir);
    } else if (st.isFile()) yield abs;
  }
}

function remove(file: string, dryRun?: boolean): number {
  const size = lstatSync(file).size;
  if (!dryRun) rmSync(file, { force: true });
  return size;
}
