import fg from "fast-glob";

/** The manifest files the config's globs match under `root`, sorted (never under node_modules or the output folder). */
export function listManifests(root: string, globs: string[], outDirRel: string): string[] {
  return fg.sync(globs, { cwd: root, onlyFiles: true, ignore: ["**/node_modules/**", ...(outDirRel ? [`${outDirRel}/**`] : [])] }).sort();
}
