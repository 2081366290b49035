import { isAscii } from "node:buffer";
import { createHash } from "node:crypto";
import { accessSync, constants, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
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
 * A cache is used only when it was made from these exact bytes, bundle and wrapper (V8's own
 * check is the source's length), and its payload hashes to what its header says: a torn or
 * altered file is compiled around, then replaced. It lives beside the bundle, as trusted as
 * the bundle itself; where that folder is read-only nothing is cached. One file per command
 * (a `--help` run's cache would hold none of a build's functions), written by a run that
 * ended with exit code 0.
 */
export interface CacheOutcome {
  /** "used": compiled from the cache; "made": no usable cache, one is written at exit; "off": not cached. */
  state: "used" | "made" | "off";
  file?: string;
}

/** The command names of src/cli/command-table.ts (a test keeps the two lists equal). */
export const COMMAND_NAMES = [
  "init",
  "build",
  "plan",
  "diff",
  "watch",
  "report",
  "pick",
  "status",
  "pull",
  "push",
  "tasks",
  "gc",
  "batch",
  "lock",
  "simulator",
  "schema",
  "help",
] as const;

/** A cache file starts with this line, then the sha256 of the source (wrapper and bundle) and of the payload. */
const MAGIC = "nanobanana-v8-cache-2\n";
const HEADER_BYTES = MAGIC.length + 64 + 1 + 64 + 1;
const WRAPPER_HEAD = "(function (exports, require, module, __filename, __dirname) {";
const WRAPPER_TAIL = "\n})";

/**
 * Which command a command line runs, as far as the cache is concerned: its first word that
 * names a command (option values are not), "build" when there is none (the CLI's default),
 * and "help" for a bare --help or --version.
 */
export function commandOf(argv: readonly string[]): string {
  const named = argv.find((a) => (COMMAND_NAMES as readonly string[]).includes(a));
  if (named) return named;
  return argv.some((a) => a === "--help" || a === "-h" || a === "--version" || a === "-v") ? "help" : "build";
}

/** The cache file of `bundle` for a command line. */
export function cacheFileFor(bundle: string, argv: readonly string[]): string {
  return path.join(path.dirname(bundle), ".v8-cache", `${commandOf(argv)}-${process.version}-${process.arch}.bin`);
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

/**
 * Writes a cache: a new temp file (never one that exists, nor through a link) renamed over
 * the cache, so that a reader sees a whole file or none; readable by all, writable by its
 * owner, like the bundle beside it. Any failure leaves no cache, and no temp file.
 */
export function writeCache(file: string, sourceHash: string, payload: () => Buffer): void {
  const dir = path.dirname(file);
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    accessSync(dir, constants.W_OK); // before the serialization below, which is the costly part
    const data = payload();
    writeFileSync(tmp, Buffer.concat([Buffer.from(`${MAGIC}${sourceHash}\n${sha256(data)}\n`, "latin1"), data]), {
      flag: "wx",
      mode: 0o644,
    });
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
  /** Registers the writing of the cache, when none was usable: at process exit (tests run it themselves). */
  atExit?: (write: () => void) => void;
}

/** Runs `write` when the process exits with code 0. */
function atCleanExit(write: () => void): void {
  process.once("exit", (code) => {
    if (code === 0) write();
  });
}

/**
 * Loads and runs the CommonJS `bundle` with the code cache of `argv`'s command. An ASCII
 * bundle is read as latin1 (a copy into a one-byte string); any other as UTF-8.
 */
export function runBundle(bundle: string, argv: readonly string[], opts: RunOptions = {}): CacheOutcome {
  const bytes = readFileSync(bundle);
  const wrapper = `${WRAPPER_HEAD}${bytes.toString(isAscii(bytes) ? "latin1" : "utf8")}${WRAPPER_TAIL}`;
  if (opts.cache === false) {
    start(new vm.Script(wrapper, { filename: bundle }), bundle);
    return { state: "off" };
  }
  const file = cacheFileFor(bundle, argv);
  const sourceHash = createHash("sha256").update(WRAPPER_HEAD).update(bytes).update(WRAPPER_TAIL).digest("hex");
  const cachedData = readCache(file, sourceHash);
  const script = new vm.Script(wrapper, { filename: bundle, cachedData });
  const used = cachedData !== undefined && !script.cachedDataRejected;
  // Made after the run: by then it holds every function this command compiled.
  if (!used) (opts.atExit ?? atCleanExit)(() => writeCache(file, sourceHash, () => script.createCachedData()));
  start(script, bundle);
  return { state: used ? "used" : "made", file };
}

function start(script: vm.Script, bundle: string): void {
  const module = { exports: {} };
  const fn = script.runInThisContext() as (...args: unknown[]) => void;
  fn.call(module.exports, module.exports, createRequire(bundle), module, bundle, path.dirname(bundle));
}
