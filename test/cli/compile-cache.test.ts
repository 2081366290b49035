import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { COMMANDS } from "../../src/cli/command-table.js";
import { COMMAND_NAMES, cacheFileFor, commandOf, readCache, runBundle } from "../../src/cli/compile-cache.js";

/** A CommonJS "bundle" that counts its runs on globalThis and reaches require and __dirname. */
const BUNDLE = `"use strict";
const path = require("node:path");
function work(n) { let s = 0; for (let i = 0; i < n; i++) s += i % 7; return s; }
globalThis.__ccRuns = (globalThis.__ccRuns ?? 0) + 1;
globalThis.__ccDir = path.basename(__dirname);
globalThis.__ccWork = work(1000);
`;

describe("the CLI bundle's code cache", () => {
  let dir: string;
  let bundle: string;
  const g = globalThis as { __ccRuns?: number; __ccDir?: string; __ccWork?: number };

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "nb-cc-"));
    bundle = path.join(dir, "nanobanana.cjs");
    writeFileSync(bundle, BUNDLE);
    g.__ccRuns = 0;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs the bundle as the launcher does, then writes the cache as its exit would. */
  const run = (argv: string[]) => {
    let write: (() => void) | undefined;
    const outcome = runBundle(bundle, argv, { atExit: (w) => (write = w) });
    write?.();
    return outcome;
  };

  it("makes a cache per command on the first run, and compiles from it on the next", () => {
    expect(run(["build", "-C", "x"]).state).toBe("made");
    const file = cacheFileFor(bundle, ["build"]);
    expect(path.relative(dir, file)).toBe(path.join(".v8-cache", `build-${process.version}-${process.arch}.bin`));
    expect(existsSync(file)).toBe(true);
    expect(run(["build"]).state).toBe("used");
    // Another command has a cache of its own.
    expect(run(["plan"]).state).toBe("made");
    expect(run(["--version"]).file).toBe(cacheFileFor(bundle, ["help"]));
    expect(g.__ccRuns).toBe(4);
    expect(g.__ccDir).toBe(path.basename(dir));
    expect(g.__ccWork).toBe(2997);
  });

  it("never uses a cache made from other bundle bytes, even of the same length", () => {
    run(["build"]);
    // V8's own check is the source's length: an edit that keeps it must still not match.
    writeFileSync(bundle, BUNDLE.replace("% 7", "% 5"));
    expect(readFileSync(bundle).length).toBe(BUNDLE.length);
    expect(run(["build"]).state).toBe("made");
    expect(g.__ccWork).toBe(2000);
    expect(run(["build"]).state).toBe("used");
  });

  it("compiles around a torn or altered cache file, then replaces it", () => {
    run(["build"]);
    const file = cacheFileFor(bundle, ["build"]);
    const whole = readFileSync(file);
    const sourceHash = whole.subarray(22, 86).toString("latin1");
    expect(readCache(file, sourceHash)?.length).toBe(whole.length - 152);
    const altered = Buffer.from(whole);
    altered[altered.length - 10] ^= 0xff;
    writeFileSync(file, altered);
    expect(readCache(file, sourceHash)).toBeUndefined();
    expect(run(["build"]).state).toBe("made");
    writeFileSync(file, whole.subarray(0, whole.length >> 1));
    expect(run(["build"]).state).toBe("made");
    expect(run(["build"]).state).toBe("used");
    expect(g.__ccRuns).toBe(4);
  });

  it("reads and writes nothing when turned off", () => {
    expect(runBundle(bundle, ["build"], { cache: false, atExit: () => expect.unreachable() }).state).toBe("off");
    expect(existsSync(path.join(dir, ".v8-cache"))).toBe(false);
    expect(g.__ccRuns).toBe(1);
  });

  it("names a cache after the command the CLI runs, never after an option's value", () => {
    expect(commandOf(["-C", "proj", "build"])).toBe("build");
    expect(commandOf(["-C", "proj"])).toBe("build");
    expect(commandOf([])).toBe("build");
    expect(commandOf(["plan", "--json"])).toBe("plan");
    expect(commandOf(["--only", "hero", "report"])).toBe("report");
    expect(commandOf(["--version"])).toBe("help");
    expect(commandOf(["help", "build"])).toBe("help");
    // The launcher's list is the CLI's (plus help, which the CLI answers itself).
    expect(COMMAND_NAMES.filter((n) => n !== "help")).toEqual(COMMANDS.map((c) => c.name));
  });

  it("runs uncached where the cache cannot be written", () => {
    writeFileSync(path.join(dir, ".v8-cache"), "a file where the folder would go");
    expect(run(["build"]).state).toBe("made");
    expect(run(["build"]).state).toBe("made");
    expect(g.__ccRuns).toBe(2);
  });
});
