import type { LockEntry, Lockfile } from "./types.js";

const ENTRY_KEYS: (keyof LockEntry)[] = [
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
  "simulated",
  "spec",
  "alt",
  "derived",
];

/**
 * Deterministic text: assets sorted by name (code-point order, not locale), keys in a fixed
 * order, one block per asset, so that a rebuild changes only the blocks it regenerated.
 */
export function serializeLock(lock: Lockfile): string {
  return [...lockText(lock)].join("");
}

/**
 * serializeLock's text in pieces, one asset's block at a time: a writer that writes them as
 * they come never holds a 10,000-entry lock's blocks and their joined copy at once, and each
 * piece dies young. `blockOf` may return blocks it kept from an earlier write (LockWriter).
 */
export function* lockText(lock: Lockfile, blockOf: (entry: LockEntry) => string = entryBlock): Generator<string> {
  const names = Object.keys(lock.assets).sort(byCodePoint);
  yield `{\n  "version": ${lock.version},\n  "assets": {`;
  for (let i = 0; i < names.length; i++) yield `${i ? "," : ""}\n    ${JSON.stringify(names[i])}: ${blockOf(lock.assets[names[i]])}`;
  if (names.length) yield "\n  ";
  const picks = Object.keys(lock.picks ?? {}).sort(byCodePoint);
  // One line per pick, after the assets: a pick changes one line of the file.
  const pickBlock = picks.length
    ? `,\n  "picks": {\n${picks.map((n) => `    ${JSON.stringify(n)}: ${lock.picks![n]}`).join(",\n")}\n  }`
    : "";
  yield `}${pickBlock}\n}\n`;
}

/** One entry's block in the lockfile, as lockText writes it (a function of the entry alone). */
export function entryBlock(entry: LockEntry): string {
  return pretty(ordered(entry), "    ", false)!;
}

function ordered(entry: LockEntry): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of ENTRY_KEYS) if (entry[k] !== undefined) out[k] = entry[k];
  for (const k of Object.keys(entry).sort())
    if (!(k in out) && entry[k as keyof LockEntry] !== undefined) out[k] = entry[k as keyof LockEntry];
  return out;
}

/**
 * What `JSON.stringify(value, null, 2)` writes, indented by `ind`, nested objects (spec, cost)
 * with sorted keys, built directly: no sorted copy of every object and no re-indenting pass (a
 * 10,000-entry lock is rewritten during a build, and those copies were most of its garbage).
 */
function pretty(value: unknown, ind: string, sortKeys: boolean): string | undefined {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  const inner = `${ind}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    return `[\n${value.map((v) => inner + (pretty(v, inner, true) ?? "null")).join(",\n")}\n${ind}]`;
  }
  const keys = Object.keys(value);
  if (sortKeys) keys.sort();
  const parts: string[] = [];
  for (const k of keys) {
    const v = pretty((value as Record<string, unknown>)[k], inner, true);
    if (v !== undefined) parts.push(`${inner}${JSON.stringify(k)}: ${v}`);
  }
  return parts.length ? `{\n${parts.join(",\n")}\n${ind}}` : "{}";
}

export function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
