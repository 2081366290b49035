import { existsSync, realpathSync } from "node:fs";
import path from "node:path";
import { isInsideFolder } from "../../core/inside-folder.js";

/**
 * The path `p` will really reach once symlinks are followed: the real path of its longest
 * existing prefix, plus the part that does not exist yet (which holds no link to follow).
 */
export function realPathOf(p: string): string {
  return realPaths()(p);
}

/** realPathOf keeping each folder's answer: outputs that do not exist yet share their parents. */
export function realPaths(): (p: string) => string {
  const memo = new Map<string, string>();
  const real = (abs: string): string => {
    let r = memo.get(abs);
    if (r !== undefined) return r;
    const parent = path.dirname(abs);
    const below = () => (parent === abs ? abs : path.join(real(parent), path.basename(abs)));
    // A folder not made yet is common (outputs before the first build): no failing realpath, which throws.
    if (!existsSync(abs)) r = below();
    else {
      try {
        r = realpathSync.native(abs);
      } catch {
        r = below();
      }
    }
    memo.set(abs, r);
    return r;
  };
  return (p) => real(path.resolve(p));
}

/**
 * Whether `p`, links followed, stays inside `root` (links followed too). A symlinked outDir, an
 * `out` through a linked folder or a linked `.nanobanana/` pointing elsewhere all fail this.
 */
export function staysInsideReally(root: string, p: string, real: (p: string) => string = realPaths()): boolean {
  return isInsideFolder(real(root), real(p));
}
