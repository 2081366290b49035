import { isAscii } from "node:buffer";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import vm from "node:vm";

/**
 * Runs the CLI bundle (one CommonJS file) through V8's code cache: the bytecode of every
 * function the last run of the same command compiled, so that a start parses and compiles
 * next to nothing. Node 22 offers this as module.enableCompileCache(); Node 20 has only
 * vm.Script's cachedData. It took a 200-asset build's first request from ~210 ms to ~150 ms
 * after node starts (issue 9).
 *
 * A cache is used only when it was made from these exact bundle bytes (V8's own check is the
 * source's length) and its payload hashes to what its header says (a torn or altered file is
 * compiled around, then replaced). It lives beside the bundle, as trusted as the bundle
 * itself; where that folder is read-only nothing is cached. One file per command: a `--help`
 * run's cache would hold none of a build's functions.
 */
export interface CacheOutcome {
  /** "used": compiled from the cache; "made": no usable cache, one is written at exit; "off": not cached. */
  state: "used" | "made" | "off";
  file?: string;
}

const MAGIC = "nanobanana-v8-cache-1\n";
const HEADER_BYTES = MAGIC.length + 64 + 1 + 64 + 1;

/** The cache file of `bundle` for a command line's command (its first word, when it is one). */
export function cacheFileFor(bundle: string, argv: readonly string[]): string {
  const word = argv.find((a) => !a.startsWith("-"));
  const command = word && /^[a-z][a-z-]{0,30}$/.test(word) ? word : "other";
  return path.join(path.dirname(bundle), ".v8-cache", `${command}-${process.version}-${process.arch}.bin`);
}

const sha256 = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");

/** The cached bytecode in `file` if it was made from a source hashing to `sourceHash` and is whole. */
export function readCache(file: string, sourceHash: string): Buffer | undefined {
  let data: Buffer;
  try {
    data = readFileSync(file);
  } catch {
    return undefined;
  }
  if (data.length <= HEADER_BYTES) return undefined;
  const header = data.subarray(0, HEADER_BYTES).toString("latin1");
  if (!header.startsWith(MAGIC) || header.slice(MAGIC.length, MAGIC.length + 64) !== sourceHash) return undefined;
  const payload = data.subarray(HEADER_BYTES);
  return header.slice(MAGIC.length + 65, MAGIC.length + 129) === sha256(payload) ? payload : undefined;
}

/** Writes a cache (temp file and rename: a reader sees a whole file or none). Failures are ignored. */
export function writeCache(file: string, sourceHash: string, payload: Buffer): void {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(tmp, Buffer.concat([Buffer.from(`${MAGIC}${sourceHash}\n${sha256(payload)}\n`, "latin1"), payload]));
    renameSync(tmp, file);
  } catch {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // No folder to leave it in.
    }
  }
}

export interface RunOptions {
  /** false: compile plainly, read and write no cache. */
  cache?: boolean;
  /** Where the cache is written when none was usable: at process exit (tests call it themselves). */
  atExit?: (write: () => void) => void;
}

/**
 * Loads and runs the CommonJS `bundle` with the code cache of `argv`'s command. The bundle is
 * made ASCII (scripts/bundle-cli.mjs) and read as latin1.
 */
export function runBundle(bundle: string, argv: readonly string[], opts: RunOptions = {}): CacheOutcome {
  const bytes = readFileSync(bundle);
  const source = bytes.toString(isAscii(bytes) ? "latin1" : "utf8");
  const wrapper = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
  if (opts.cache === false) {
    start(new vm.Script(wrapper, { filename: bundle }), bundle);
    return { state: "off" };
  }
  const file = cacheFileFor(bundle, argv);
  const sourceHash = sha256(bytes);
  const cachedData = readCache(file, sourceHash);
  const script = new vm.Script(wrapper, { filename: bundle, cachedData });
  const used = cachedData !== undefined && !script.cachedDataRejected;
  // Made at exit: by then it holds every function this command compiled.
  if (!used) (opts.atExit ?? ((w) => process.once("exit", w)))(() => writeCache(file, sourceHash, script.createCachedData()));
  start(script, bundle);
  return { state: used ? "used" : "made", file };
}

function start(script: vm.Script, bundle: string): void {
  const module = { exports: {} };
  const fn = script.runInThisContext() as (...args: unknown[]) => void;
  fn.call(module.exports, module.exports, createRequire(bundle), module, bundle, path.dirname(bundle));
}
