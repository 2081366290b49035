import { close, closeSync, fsync, fsyncSync, mkdirSync, open, openSync, renameSync, writeSync, rmSync } from "node:fs";
import { mkdir, open as openFile, rename, rm, type FileHandle } from "node:fs/promises";
import path from "node:path";

let counter = 0;

/** A temp path beside `file` (same filesystem, so rename is atomic). */
export function tempPathFor(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${++counter}.tmp`);
}

/**
 * Writes `data` to `file` atomically: temp file, every write checked, fsync, rename. After a
 * crash or a full disk the file is either the old or the new content, never a mix or a stub.
 *
 * `flush: "background"` renames first and fsyncs right after, off the event loop: the file
 * is visible to (and survives the death of) this process the moment the call returns, which
 * is what a SIGKILL needs; only a power cut in the next milliseconds could lose it. The task
 * journal uses it so that a burst of submit answers is recorded in microseconds each.
 * `flush: "none"` skips the fsync: for caches that are verified when read.
 */
export function writeFileAtomic(
  file: string,
  data: string | Uint8Array | Iterable<string>,
  opts: { flush?: "sync" | "background" | "none" } = {},
): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = tempPathFor(file);
  const fd = openSync(tmp, "w");
  try {
    if (typeof data === "string") writeAll(fd, Buffer.from(data));
    else if (data instanceof Uint8Array) writeAll(fd, data);
    else writePieces(fd, data);
    if (opts.flush === undefined || opts.flush === "sync") fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw err;
  }
  try {
    closeSync(fd);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  renameSync(tmp, file);
  if (opts.flush === "background") flushLater(file);
}

/**
 * Runs `create` (which makes `file`); when it finds the folder missing (ENOENT), makes the
 * folder and runs it once more. The folder exists for all but the first file of a folder, so
 * this saves a mkdir per file.
 */
export async function makingFolder<T>(file: string, create: () => Promise<T>): Promise<T> {
  try {
    return await create();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    await mkdir(path.dirname(file), { recursive: true });
    return create();
  }
}

/** Opens `file` with `flags`; its folder is made only when the open finds it missing. */
export function openMakingFolder(file: string, flags: string): Promise<FileHandle> {
  return makingFolder(file, () => openFile(file, flags));
}

/** Text given in pieces (a big lockfile), written ~256 KB at a time: the whole is never one string. */
function writePieces(fd: number, pieces: Iterable<string>): void {
  for (const chunk of batches(pieces)) writeAll(fd, Buffer.from(chunk));
}

/** The pieces joined into strings of ~256 KB. */
function* batches(pieces: Iterable<string>): Generator<string> {
  let batch: string[] = [];
  let size = 0;
  for (const piece of pieces) {
    batch.push(piece);
    size += piece.length;
    if (size >= 256 * 1024) {
      yield batch.join("");
      batch = [];
      size = 0;
    }
  }
  if (batch.length) yield batch.join("");
}

/**
 * writeFileAtomic with its fsync before the rename, every step on the thread pool: for a file
 * rewritten again and again while requests are in flight (the lockfile during a build), whose
 * open, writes, fsync and rename would otherwise stall the event loop each time.
 */
export async function writeFileAtomicAsync(file: string, pieces: Iterable<string>): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = tempPathFor(file);
  const fh = await openFile(tmp, "w");
  try {
    for (const chunk of batches(pieces)) await writeAllTo(fh, Buffer.from(chunk));
    await fh.sync();
  } catch (err) {
    await fh.close().catch(() => {});
    await rm(tmp, { force: true });
    throw err;
  }
  try {
    await fh.close();
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  await rename(tmp, file);
}

/** writeAll on a FileHandle. */
async function writeAllTo(fh: FileHandle, data: Uint8Array): Promise<void> {
  let done = 0;
  while (done < data.length) {
    const { bytesWritten } = await fh.write(data, done, data.length - done);
    if (bytesWritten <= 0) throw noSpace();
    done += bytesWritten;
  }
}

const noSpace = () => Object.assign(new Error(`ENOSPC: no space left on device, write`), { code: "ENOSPC", syscall: "write" });

/**
 * Writes every byte or throws: a full disk often takes part of a write (4,096 bytes) and
 * reports the short count instead of an error. The next write then fails with ENOSPC.
 */
export function writeAll(
  fd: number,
  data: Uint8Array,
  write: (fd: number, data: Uint8Array, offset: number, length: number) => number = writeSync,
): void {
  let done = 0;
  while (done < data.length) {
    const n = write(fd, data, done, data.length - done);
    if (n <= 0) throw noSpace();
    done += n;
  }
}

function flushLater(file: string): void {
  open(file, "r", (err, fd) => {
    if (err) return; // already removed: nothing to flush
    fsync(fd, () => close(fd, () => {}));
  });
}
