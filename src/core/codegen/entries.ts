import path from "node:path";
import type { LockEntry } from "../lock/types.js";
import type { ResolvedAsset } from "../project.js";
import type { ModuleEntry } from "./render.js";

/**
 * The module's entries: one per asset that has an image in the lock. `src` paths are
 * `<base><path inside outDir>` with a base, else relative to the module's folder.
 * `placeholder(sha256)` gives the blurred preview of an image.
 */
export function moduleEntries(
  assets: ResolvedAsset[],
  lock: Record<string, LockEntry>,
  where: { outDir: string; moduleDir: string; base?: string },
  placeholder: (entry: LockEntry) => string,
): ModuleEntry[] {
  const src = (output: string) =>
    where.base !== undefined
      ? where.base + path.posix.relative(where.outDir, output)
      : path.posix.relative(where.moduleDir, output) || output;
  const out: ModuleEntry[] = [];
  for (const a of assets) {
    const e = lock[a.name];
    // A take is a candidate for its asset, which the app uses (a copy of the picked take);
    // the white and black sources of a cut-out are only its raw material.
    if (!e || a.take || a.matteSource) continue;
    const main = { src: src(e.output), width: e.width, height: e.height, format: e.format };
    // A literal alt wins over a description recorded earlier; `auto` reads the description of the image.
    const alt = a.alt && "text" in a.alt ? a.alt.text : a.alt && e.alt?.source === "auto" ? e.alt.text : "";
    out.push({
      name: a.name,
      ...main,
      aspectRatio: e.spec?.aspectRatio ?? a.spec.aspectRatio,
      alt,
      placeholder: placeholder(e),
      files: [main, ...(e.derived ?? []).map((d) => ({ src: src(d.output), width: d.width, height: d.height, format: d.format }))],
      meta: { model: e.model, specHash: e.hash, prompt: e.spec?.prompt ?? a.spec.prompt },
    });
  }
  return out;
}
