import { describe, expect, it } from "vitest";
import { parseLock, serializeLock, type LockEntry, type Lockfile } from "../../../src/all.js";

const entry = (name: string): LockEntry => ({
  hash: name.repeat(64).slice(0, 64),
  provider: "apidot",
  model: "nano-banana-2",
  modelId: "nano-banana-2",
  taskId: `t-${name}`,
  output: `generated/${name}.png`,
  sha256: "0".repeat(64),
  bytes: 10,
  width: 1024,
  height: 1024,
  format: "png",
  cost: { usd: 0.05, credits: 10, source: "provider" },
  generatedAt: "2026-11-01T00:00:00.000Z",
  spec: { prompt: name, resolution: "1K", aspectRatio: "1:1", format: "png", webSearch: false, references: [] },
});

describe("lockfile", () => {
  it("is deterministic: the same entries in any order give the same bytes, sorted by name", () => {
    const one: Lockfile = { version: 1, assets: { b: entry("b"), a: entry("a"), "Z/c": entry("c") } };
    const two: Lockfile = { version: 1, assets: { "Z/c": entry("c"), a: entry("a"), b: entry("b") } };
    const text = serializeLock(one);
    expect(serializeLock(two)).toBe(text);
    expect([...text.matchAll(/^ {4}"([^"]+)": \{$/gm)].map((m) => m[1])).toEqual(["Z/c", "a", "b"]);
    expect(parseLock(text, "x")).toEqual(JSON.parse(text));
  });

  it("changes only the block of a regenerated asset", () => {
    const lock: Lockfile = { version: 1, assets: { a: entry("a"), b: entry("b"), c: entry("c") } };
    const before = serializeLock(lock).split("\n");
    lock.assets.b = { ...entry("b"), taskId: "t-new", sha256: "1".repeat(64) };
    const after = serializeLock(lock).split("\n");
    const changed = after.map((l, i) => (l !== before[i] ? i : -1)).filter((i) => i >= 0);
    expect(changed).toHaveLength(2);
    expect(after[changed[0]]).toContain('"taskId": "t-new"');
  });

  it("holds no URLs or keys, only the fields of the contract", () => {
    const text = serializeLock({ version: 1, assets: { a: entry("a") } });
    expect(text).not.toMatch(/https?:/);
    expect(Object.keys(JSON.parse(text).assets.a)).toEqual([
      "hash",
      "provider",
      "model",
      "modelId",
      "taskId",
      "output",
      "sha256",
      "bytes",
      "width",
      "height",
      "format",
      "cost",
      "generatedAt",
      "spec",
    ]);
  });

  it("conflict markers are a clear error pointing at `nanobanana lock merge`", () => {
    const text = `{\n  "version": 1,\n<<<<<<< HEAD\n  "assets": {}\n=======\n  "assets": {}\n>>>>>>> other\n}\n`;
    expect(() => parseLock(text, "nanobanana.lock")).toThrowError(
      /^nanobanana\.lock:3 {2}the lockfile has git conflict markers\. Resolve them with `nanobanana lock merge`/,
    );
  });

  it("a broken lockfile is an error, never an empty lock", () => {
    expect(() => parseLock("{ nope", "nanobanana.lock")).toThrowError(/not valid JSON.*restore it from git/);
  });
});
