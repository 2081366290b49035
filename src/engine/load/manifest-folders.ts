import { readdirSync } from "node:fs";
import path from "node:path";

const MAGIC = /[*?[\]{}()!+@]/;

/**
 * Every entry of every folder the manifest globs can reach (`dir/name`, folders ending in `/`),
 * walked the way the glob walks them: from each glob's fixed leading folders down, past
 * node_modules, the output folder and dot entries. Two walks that list the same entries mean
 * the globs match the same files, so a no-op build can tell the manifest list did not change
 * without loading a glob library. Undefined when that cannot be told this way: a symbolic link
 * (the glob follows it), a negated glob, a glob leaving the project or naming dot entries.
 */
export function manifestFolders(root: string, globs: string[], outDirRel: string): string[] | undefined {
  const bases = new Set<string>();
  for (const g of globs) {
    const segs = g.split("/").filter((s) => s !== "" && s !== ".");
    if (g.startsWith("!") || path.isAbsolute(g) || segs.some((s) => s === ".." || (s.startsWith(".") && MAGIC.test(s)))) return undefined;
    const magic = segs.findIndex((s) => MAGIC.test(s) || s.includes("\\"));
    const base = segs.slice(0, magic === -1 ? segs.length - 1 : magic);
    if (base.some((s) => s.startsWith("."))) return undefined; // a dot folder named outright: rare, left to the glob
    bases.add(base.join("/") || ".");
  }
  const out: string[] = [];
  const seen = new Set<string>();
  const skip = (rel: string) => rel === outDirRel || (outDirRel !== "" && outDirRel !== "." && rel.startsWith(`${outDirRel}/`));
  const walk = (rel: string): boolean => {
    if (seen.has(rel)) return true;
    seen.add(rel);
    let entries: import("node:fs").Dirent[];
    try {
      entries = readdirSync(path.join(root, rel), { withFileTypes: true });
    } catch (err) {
      out.push(`${rel}!${(err as NodeJS.ErrnoException).code ?? "unreadable"}`);
      return true;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (e.name.startsWith(".")) continue;
      const child = rel === "." ? e.name : `${rel}/${e.name}`;
      if (e.isSymbolicLink()) return false;
      if (e.isDirectory()) {
        if (e.name === "node_modules" || skip(child)) continue;
        out.push(`${child}/`);
        if (!walk(child)) return false;
      } else out.push(e.isFile() ? child : `${child}?`);
    }
    return true;
  };
  for (const b of [...bases].sort()) if (!walk(b)) return undefined;
  return out;
}
