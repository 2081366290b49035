import path from "node:path";
import type { DeriveEntry, DerivedFormat } from "./schema.js";

/** File extension of a derived format. */
export function derivedExtension(format: DerivedFormat): string {
  return format === "jpeg" ? "jpg" : format;
}

/**
 * Where a derived file goes: beside the asset's output, `<stem>-<width>w.<ext>` by default,
 * `<stem>-<height>h.<ext>` with only a height, `<stem>-<name>.<ext>` with a name. Undefined
 * when the entry has no width, height or name (nothing to call it).
 */
export function derivedOutput(assetOutput: string, entry: DeriveEntry, format: DerivedFormat): string | undefined {
  const suffix =
    entry.name ?? (entry.width !== undefined ? `${entry.width}w` : entry.height !== undefined ? `${entry.height}h` : undefined);
  if (suffix === undefined) return undefined;
  const ext = path.posix.extname(assetOutput);
  const stem = ext ? assetOutput.slice(0, -ext.length) : assetOutput;
  return `${stem}-${suffix}.${derivedExtension(format)}`;
}
