import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { serializeLock } from "../../../src/core/lock/serialize.js";
import { emptyLock, type LockEntry } from "../../../src/core/lock/types.js";
import { LockWriter } from "../../../src/engine/state/lock-writer.js";

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const entry = (name: string) =>
  ({ hash: name.repeat(64).slice(0, 64), output: `generated/${name}.jpg`, taskId: `t-${name}` }) as unknown as LockEntry;
const namesOnDisk = (file: string) => Object.keys(JSON.parse(readFileSync(file, "utf8")).assets).sort();

describe("LockWriter.flushNow (a build's last write)", () => {
  it("writes what is pending before it returns, then runs the callbacks of what it made durable", async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "nb-lockw-"));
    const file = path.join(dir, "nanobanana.lock");
    const writer = new LockWriter(file, emptyLock(), 60_000);
    const durable: string[] = [];
    writer.set("a", entry("a"), () => durable.push("a"));
    // The first set writes at once (in the background); this one waits for the interval.
    writer.set("b", entry("b"), () => durable.push("b"));
    await writer.flushNow();
    expect(namesOnDisk(file)).toEqual(["a", "b"]);
    expect(durable.sort()).toEqual(["a", "b"]);
  });

  it("waits for the write in flight: an older snapshot never lands after a newer one", async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "nb-lockw-"));
    const file = path.join(dir, "nanobanana.lock");
    const writer = new LockWriter(file, emptyLock(), 0);
    for (const n of ["a", "b", "c", "d"]) writer.set(n, entry(n)); // a background write is in flight
    await writer.flushNow();
    expect(namesOnDisk(file)).toEqual(["a", "b", "c", "d"]);
    // Nothing scheduled is left to overwrite it later.
    await new Promise((r) => setImmediate(r));
    expect(namesOnDisk(file)).toEqual(["a", "b", "c", "d"]);
  });

  it("throws when the lock cannot be written, and runs no callback", async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "nb-lockw-"));
    writeFileSync(path.join(dir, "blocker"), "a file where the lock's folder should be");
    const writer = new LockWriter(path.join(dir, "blocker", "nanobanana.lock"), emptyLock(), 60_000);
    const durable: string[] = [];
    writer.set("a", entry("a"), () => durable.push("a"));
    await expect(writer.flushNow()).rejects.toThrow();
    expect(durable).toEqual([]);
  });

  it("writes the text serializeLock makes, with the blocks it kept from earlier writes and replaced entries anew", async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "nb-lockw-"));
    const file = path.join(dir, "nanobanana.lock");
    const lock = emptyLock();
    const writer = new LockWriter(file, lock, 0);
    for (const n of ["b", "a", "c"]) writer.set(n, entry(n));
    await writer.flush();
    writer.set("a", { ...entry("a"), taskId: "t-a2" }); // a new entry object for a
    writer.set("d", entry("d"));
    await writer.flushNow();
    expect(readFileSync(file, "utf8")).toBe(serializeLock(lock));
    expect(JSON.parse(readFileSync(file, "utf8")).assets.a.taskId).toBe("t-a2");
  });
});
