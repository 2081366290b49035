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
  const names = Object.keys(lock.assets).sort(byCodePoint);
  const blocks = names.map(
    (name) => `    ${JSON.stringify(name)}: ${indent(JSON.stringify(ordered(lock.assets[name]), sortedReplacer, 2), "    ")}`,
  );
  const picks = Object.keys(lock.picks ?? {}).sort(byCodePoint);
  // One line per pick, after the assets: a pick changes one line of the file.
  const pickBlock = picks.length
    ? `,\n  "picks": {\n${picks.map((n) => `    ${JSON.stringify(n)}: ${lock.picks![n]}`).join(",\n")}\n  }`
    : "";
  return `{\n  "version": ${lock.version},\n  "assets": {${blocks.length ? `\n${blocks.join(",\n")}\n  ` : ""}}${pickBlock}\n}\n`;
}

function ordered(entry: LockEntry): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of ENTRY_KEYS) if (entry[k] !== undefined) out[k] = entry[k];
  for (const k of Object.keys(entry).sort())
    if (!(k in out) && entry[k as keyof LockEntry] !== undefined) out[k] = entry[k as keyof LockEntry];
  return out;
}

/** Nested objects (spec, cost) get sorted keys. */
function sortedReplacer(this: unknown, key: string, value: unknown): unknown {
  if (key === "" || value === null || typeof value !== "object" || Array.isArray(value)) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, (value as Record<string, unknown>)[k]]),
  );
}

function indent(text: string, pad: string): string {
  return text.replace(/\n/g, `\n${pad}`);
}

export function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
