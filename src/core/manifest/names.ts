import path from "node:path";

/** What is wrong with an asset name, or undefined: a relative path of non-empty segments. */
export function nameProblem(name: string): string | undefined {
  if (name.startsWith("/") || name.includes("\\")) return "names are relative paths with / separators";
  if (name.split("/").some((s) => s === "" || s === "." || s === "..")) return "name segments must not be empty, . or ..";
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what this refuses
  if (/[\u0000-\u001f:*?"<>|]/.test(name)) return 'names must not contain control characters or : * ? " < > |';
  return undefined;
}

/**
 * The output path of an `out:` value, project-relative and posix, or an error when it would
 * leave outDir (`outDir` is project-relative, "." for the root).
 */
export function outputInside(outDir: string, rel: string): { output: string } | { error: string } {
  const output = path.posix.normalize(path.posix.join(outDir, rel));
  const inside = outDir === "." ? !output.startsWith("../") && output !== ".." : output.startsWith(`${outDir}/`);
  if (path.posix.isAbsolute(rel) || !inside) return { error: `output ${JSON.stringify(rel)} would leave outDir ${JSON.stringify(outDir)}` };
  return { output };
}

/** The default output of an asset: `<outDir>/<name>.<ext>`. */
export function defaultOutput(outDir: string, name: string, ext: string): string {
  const file = `${name}.${ext}`;
  return outDir === "." ? file : `${outDir}/${file}`;
}
