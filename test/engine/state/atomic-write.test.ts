import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { writeAll, writeFileAtomic } from "../../../src/engine/state/atomic-write.js";
import { canMountTmpfs, tinyTmpfs } from "../../helpers/full-disk.js";

describe("writeAll", () => {
  it("keeps writing after a short write, and throws when the disk takes nothing more", () => {
    const chunks: number[] = [];
    let left = 4096 + 100;
    const fake = ((_fd: number, _b: Uint8Array, _o: number, len: number) => {
      const n = Math.min(len, 4096, left);
      left -= n;
      chunks.push(n);
      return n;
    }) as never;
    expect(() => writeAll(1, Buffer.alloc(10_000), fake)).toThrow(/ENOSPC/);
    expect(chunks).toEqual([4096, 100, 0]);
    left = 1e9;
    chunks.length = 0;
    writeAll(1, Buffer.alloc(10_000), fake);
    expect(chunks).toEqual([4096, 4096, 1808]);
  });
});

// A real full disk: a 64 KB tmpfs, mounted only where the test runs as root.
describe.skipIf(!canMountTmpfs)("writeFileAtomic on a full disk (tmpfs)", () => {
  const dir = tinyTmpfs("nb-full");

  it("a lockfile write that does not fit fails and leaves the old file whole, with no temp file", () => {
    const lock = path.join(dir, "nanobanana.lock");
    const old = JSON.stringify({ version: 1, assets: { a: "x".repeat(1000) } });
    writeFileAtomic(lock, old);
    expect(() => writeFileAtomic(lock, JSON.stringify({ big: "y".repeat(200_000) }))).toThrow(/ENOSPC/);
    expect(readFileSync(lock, "utf8")).toBe(old);
    expect(readdirSync(dir)).toEqual(["nanobanana.lock"]);
    // What the old code did: a filler leaves 4 KB free and the write would be cut there.
    writeFileSync(path.join(dir, "filler"), Buffer.alloc(56 * 1024));
    expect(() => writeFileAtomic(lock, JSON.stringify({ big: "z".repeat(20_000) }), { flush: "background" })).toThrow(/ENOSPC/);
    expect(JSON.parse(readFileSync(lock, "utf8"))).toEqual(JSON.parse(old));
  });
});
