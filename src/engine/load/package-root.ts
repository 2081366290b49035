import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

let root: string | undefined;
let version: string | undefined;

/**
 * The nanobanana package's own folder (its package.json, schema/): the nearest folder above
 * this file whose package.json is named "nanobanana". Found by walking up rather than by a
 * fixed "../..": the CLI ships as a bundle whose chunks sit at another depth than this file.
 * Undefined in a copy that left its package.
 */
export function packageRoot(): string | undefined {
  if (root !== undefined) return root || undefined;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const meta = readPackageJson(dir);
    if (meta?.name === "nanobanana") {
      version = meta.version;
      root = dir;
      return dir;
    }
    const up = path.dirname(dir);
    if (up === dir) {
      root = "";
      return undefined;
    }
    dir = up;
  }
}

/** The package's version ("?" outside its package). */
export function packageVersion(): string {
  packageRoot();
  return version ?? "?";
}

function readPackageJson(dir: string): { name?: string; version?: string } | undefined {
  try {
    return JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as { name?: string; version?: string };
  } catch {
    return undefined;
  }
}
