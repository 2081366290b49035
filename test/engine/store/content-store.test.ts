import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { LockEntry } from "../../../src/core/lock/types.js";
import { ContentStore } from "../../../src/engine/store/content-store.js";

let root: string;
afterEach(() => rmSync(root, { recursive: true, force: true }));

function image(bytes: Buffer): { file: string; entry: LockEntry } {
  const file = path.join(root, "generated", "a.jpg");
  writeFileSync(file, bytes);
  const entry = {
    hash: createHash("sha256").update(bytes).update("spec").digest("hex"),
    provider: "gemini",
    model: "nano-banana-2",
    output: "generated/a.jpg",
    sha256: createHash("sha256").update(bytes).digest("hex"),
    bytes: bytes.length,
    format: "jpeg",
  } as unknown as LockEntry;
  return { file, entry };
}

describe("the content store's background put", () => {
  it("keeps the image and its entry, making the store's folders as needed", async () => {
    root = mkdtempSync(path.join(tmpdir(), "nb-store-"));
    const bytes = Buffer.from("not really a jpeg, but bytes to keep");
    mkdirSync(path.join(root, "generated")); // .nanobanana/store does not exist yet
    const { file, entry } = image(bytes);
    const store = new ContentStore(path.join(root, ".nanobanana"));
    const errors: Error[] = [];
    store.putLater(entry, file, (e) => errors.push(e));
    await store.settled();
    expect(errors).toEqual([]);
    const folder = path.join(root, ".nanobanana", "store", entry.hash.slice(0, 2));
    expect(readFileSync(path.join(folder, `${entry.hash}.img`)).equals(bytes)).toBe(true);
    expect(JSON.parse(readFileSync(path.join(folder, `${entry.hash}.json`), "utf8"))).toEqual(entry);
    // No temp file is left beside the entry.
    expect(readdirSync(folder).sort()).toEqual([`${entry.hash}.img`, `${entry.hash}.json`].sort());
  });

  it("reports a copy that fails, and keeps no entry for it", async () => {
    root = mkdtempSync(path.join(tmpdir(), "nb-store-"));
    const entry = { hash: "b".repeat(64), bytes: 3 } as unknown as LockEntry;
    const store = new ContentStore(path.join(root, ".nanobanana"));
    const errors: Error[] = [];
    store.putLater(entry, path.join(root, "missing.jpg"), (e) => errors.push(e));
    await store.settled();
    expect(errors.map((e) => (e as NodeJS.ErrnoException).code)).toEqual(["ENOENT"]);
    expect(store.get(entry.hash)).toBeUndefined();
    expect(readdirSync(path.join(root, ".nanobanana", "store", "bb"))).toEqual([]);
  });
});
