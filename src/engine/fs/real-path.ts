import { realpathSync } from "node:fs";
import path from "node:path";
import { isInsideFolder } from "../../core/inside-folder.js";

/**
 * The path `p` will really reach once symlinks are followed: the real path of its longest
 * existing prefix, plus the part that does not exist yet (which holds no link to follow).
 */
export function realPathOf(p: string): string {
  const abs = path.resolve(p);
  const rest: string[] = [];
  let cur = abs;
  for (;;) {
    try {
      return path.join(realpathSync.native(cur), ...rest.reverse());
    } catch {
      const parent = path.dirname(cur);
      if (parent === cur) return abs;
      rest.push(path.basename(cur));
      cur = parent;
    }
  }
}

/**
 * Whether `p`, links followed, stays inside `root` (links followed too). A symlinked outDir, an
 * `out` through a linked folder or a linked `.nanobanana/` pointing elsewhere all fail this.
 */
export function staysInsideReally(root: string, p: string): boolean {
  return isInsideFolder(realPathOf(root), realPathOf(p));
}
