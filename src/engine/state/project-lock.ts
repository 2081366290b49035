import { closeSync, linkSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import path from "node:path";
import { namesIn } from "../fs/names-in.js";
import { UserError } from "../../core/errors/user-error.js";
import { abortableSleep } from "../transport/retry.js";

/** Who holds `.nanobanana/build.lock`. */
export interface LockHolder {
  pid: number;
  hostname: string;
  startedAt: string;
  command: string;
}

export interface AcquireOptions {
  /** Wait for the holder to finish instead of stopping (default false). */
  wait?: boolean;
  /** Told once, when the lock is held by someone else and we wait. */
  onWait?: (holder: LockHolder) => void;
  /** Stops waiting. */
  signal?: AbortSignal;
  /** What this process is doing, for the other side's message (default "build"). */
  command?: string;
  /** Poll interval while waiting (default 200 ms). */
  pollMs?: number;
}

/** A held project lock; release() removes it (only if it is still ours). */
export interface ProjectLock {
  readonly file: string;
  release(): void;
}

/** Another build (or gc) is running in the same project. */
export class ProjectBusyError extends UserError {
  override name = "ProjectBusyError";
  constructor(
    readonly holder: LockHolder | undefined,
    file: string,
  ) {
    super(
      `another nanobanana ${holder?.command ?? "build"} is running in this project (${holder ? `pid ${holder.pid} on ${holder.hostname}, since ${holder.startedAt}` : "holder unknown"}); ` +
        `wait for it, or rerun with --wait. If no build is running, delete ${file}.`,
    );
  }
}

/**
 * Takes the project's build lock: `.nanobanana/build.lock`, created with O_EXCL so two
 * processes can never both hold it. A lock whose pid is dead on this host (a killed build) is
 * stale and taken over. Builds in one project therefore never interleave their writes.
 */
export async function acquireProjectLock(stateDir: string, opts: AcquireOptions = {}): Promise<ProjectLock> {
  const file = path.join(stateDir, "build.lock");
  mkdirSync(stateDir, { recursive: true });
  const me: LockHolder = { pid: process.pid, hostname: hostname(), startedAt: new Date().toISOString(), command: opts.command ?? "build" };
  let told = false;
  for (;;) {
    if (tryCreate(file, me)) {
      removeStrayHolderFiles(file);
      return { file, release: () => releaseIfOurs(file) };
    }
    const holder = readHolder(file);
    if (isStale(file, holder)) {
      rmSync(file, { force: true });
      continue;
    }
    if (!opts.wait) throw new ProjectBusyError(holder, file);
    if (!told && holder) opts.onWait?.(holder);
    told = true;
    await abortableSleep(opts.pollMs ?? 200, opts.signal);
  }
}

/**
 * Creates the lock with its contents already in it: the holder is written to a file of our
 * own, then hard-linked to the lock's name, which fails with EEXIST if it exists. A kill at
 * any instant leaves either no lock or a whole one, never an empty one that a rerun could
 * not judge. Where hard links are not supported, an O_EXCL create then a write.
 */
function tryCreate(file: string, me: LockHolder): boolean {
  const own = `${file}.${me.pid}.${process.hrtime.bigint()}`;
  writeWhole(own, "w", me);
  try {
    linkSync(own, file);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "EEXIST") return false;
    if (code !== "EPERM" && code !== "ENOTSUP" && code !== "EOPNOTSUPP" && code !== "ENOSYS") throw err;
    try {
      writeWhole(file, "wx", me);
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "EEXIST") return false;
      throw e;
    }
  } finally {
    rmSync(own, { force: true });
  }
}

/**
 * No fsync: the lock only has to outlive a kill, which it does once written; after a power cut
 * its pid is dead (or the file is empty and older than 5 s), so it is stale either way. A
 * synchronous fsync here held up the start of every build by ~15 ms, more on a busy disk.
 */
function writeWhole(file: string, flags: "w" | "wx", me: LockHolder): void {
  const fd = openSync(file, flags);
  try {
    writeSync(fd, JSON.stringify(me));
  } finally {
    closeSync(fd);
  }
}

/** Holder files of builds killed between writing theirs and linking it (`build.lock.<pid>.<n>`, pid dead). */
function removeStrayHolderFiles(file: string): void {
  const dir = path.dirname(file);
  const prefix = `${path.basename(file)}.`;
  for (const n of namesIn(dir)) {
    const m = n.startsWith(prefix) ? /^(\d+)\.\d+$/.exec(n.slice(prefix.length)) : null;
    if (m && !pidAlive(Number(m[1]))) rmSync(path.join(dir, n), { force: true });
  }
}

function readHolder(file: string): LockHolder | undefined {
  try {
    const h = JSON.parse(readFileSync(file, "utf8")) as LockHolder;
    return typeof h.pid === "number" ? h : undefined;
  } catch {
    return undefined;
  }
}

/** Dead pid on this host; or an unreadable lock older than 5 s (not one of ours: ours are whole from the start; see tryCreate). */
function isStale(file: string, holder: LockHolder | undefined): boolean {
  if (!holder) {
    try {
      return Date.now() - statSync(file).mtimeMs > 5_000;
    } catch {
      return true; // gone meanwhile: try again
    }
  }
  if (holder.hostname !== hostname()) return false;
  return !pidAlive(holder.pid);
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

function releaseIfOurs(file: string): void {
  const h = readHolder(file);
  if (h && h.pid === process.pid && h.hostname === hostname()) rmSync(file, { force: true });
}
