import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll } from "vitest";

/** Full-disk tests mount a tmpfs, which only root may do. */
export const canMountTmpfs = process.getuid?.() === 0;

/** A real full disk for the enclosing describe: a 64 KB tmpfs at the returned path, unmounted after. */
export function tinyTmpfs(name: string): string {
  const dir = path.join(tmpdir(), `${name}-${process.pid}`);
  beforeAll(() => {
    mkdirSync(dir, { recursive: true });
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", dir]);
  });
  afterAll(() => {
    execFileSync("umount", [dir]);
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}
