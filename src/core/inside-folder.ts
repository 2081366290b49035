import path from "node:path";

/** `file` (absolute) is `dir` itself or below it, compared as given (resolve links first where they matter). */
export function isInsideFolder(dir: string, file: string): boolean {
  const rel = path.relative(dir, file);
  return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
}
