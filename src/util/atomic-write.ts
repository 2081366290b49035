import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, writeSync, rmSync } from "node:fs";
import { mkdir, open, rename, rm } from "node:fs/promises";
import path from "node:path";

let counter = 0;

/** A temp path beside `file` (same filesystem, so rename is atomic). */
export function tempPathFor(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${++counter}.tmp`);
}

/**
 * Writes `data` to `file` atomically: temp file, fsync, rename. After a crash the file is
 * either the old or the new content, never a mix.
 */
export function writeFileAtomic(file: string, data: string | Uint8Array, opts: { fsync?: boolean } = {}): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = tempPathFor(file);
  const fd = openSync(tmp, "w");
  try {
    writeSync(fd, typeof data === "string" ? Buffer.from(data) : data);
    if (opts.fsync !== false) fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw err;
  }
  closeSync(fd);
  renameSync(tmp, file);
}

/**
 * `writeFileAtomic` without blocking the event loop: the fsync runs on the thread pool, so
 * hundreds of assets in flight do not queue behind each other's disk flushes.
 */
export async function writeFileAtomicAsync(file: string, data: string | Uint8Array): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = tempPathFor(file);
  const fh = await open(tmp, "w");
  try {
    await fh.writeFile(typeof data === "string" ? Buffer.from(data) : data);
    await fh.sync();
  } catch (err) {
    await fh.close();
    await rm(tmp, { force: true });
    throw err;
  }
  await fh.close();
  await rename(tmp, file);
}
