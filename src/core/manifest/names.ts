import path from "node:path";

/** Windows device names: a file called `con`, `aux.png` or `com1.txt` cannot exist there. */
const RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])$/i;
/** Characters Windows refuses in a file name. */
const FORBIDDEN = /[<>:"\\|?*]/;
/**
 * Control characters (C0, DEL, C1) and bidirectional controls (U+061C, U+200E/F, U+202A-E,
 * U+2066-9), which can make a name print as another (U+202E reverses the text after it).
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what this refuses
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/** A name no check below can refuse, unless a segment is a device name (RESERVED_SEGMENT). */
const PLAIN_NAME = /^[A-Za-z0-9_-]+(?:\/[A-Za-z0-9_-]+)*$/;
const RESERVED_SEGMENT = /(?:^|\/)(?:con|prn|aux|nul|com[0-9]|lpt[0-9])(?:\/|$)/i;

/**
 * What is wrong with an asset name, or undefined. A name is a relative path of non-empty
 * segments that every checkout can hold: Windows and macOS as well as Linux.
 */
export function nameProblem(name: string): string | undefined {
  // Most names (every variant of a matrix) are plain: letters, digits, _ and - between single slashes.
  if (PLAIN_NAME.test(name) && !RESERVED_SEGMENT.test(name)) return undefined;
  if (name.startsWith("/") || name.includes("\\")) return "names are relative paths with / separators";
  if (name.split("/").some((s) => s === "" || s === "." || s === "..")) return "name segments must not be empty, . or ..";
  return pathProblem(name);
}

/** What makes a relative path unportable (Windows and macOS checkouts), or undefined. */
export function pathProblem(p: string): string | undefined {
  const bad = INVISIBLE.exec(p);
  if (bad)
    return `contains the invisible character U+${bad[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")} (control and bidi characters are refused)`;
  if (FORBIDDEN.test(p.replaceAll("/", ""))) return 'must not contain < > : " \\ | ? * (Windows cannot hold them)';
  for (const segment of p.split("/")) {
    if (/[. ]$/.test(segment)) return `${JSON.stringify(segment)} ends with a dot or a space (Windows drops them)`;
    if (RESERVED.test(segment.split(".")[0].trimEnd())) return `${JSON.stringify(segment)} is a reserved device name on Windows`;
  }
  return undefined;
}

/**
 * The output path of an `out:` value, project-relative and posix, or an error when it would
 * leave outDir (`outDir` is project-relative, "." for the root) or could not be checked out.
 */
export function outputInside(outDir: string, rel: string): { output: string } | { error: string } {
  const output = path.posix.normalize(path.posix.join(outDir, rel));
  const inside = outDir === "." ? !output.startsWith("../") && output !== ".." : output.startsWith(`${outDir}/`);
  if (path.posix.isAbsolute(rel) || !inside) return { error: `output ${JSON.stringify(rel)} would leave outDir ${JSON.stringify(outDir)}` };
  const problem = pathProblem(rel);
  if (problem) return { error: `output ${JSON.stringify(rel)} ${problem}` };
  return { output };
}

/** The default output of an asset: `<outDir>/<name>.<ext>`. */
export function defaultOutput(outDir: string, name: string, ext: string): string {
  const file = `${name}.${ext}`;
  return outDir === "." ? file : `${outDir}/${file}`;
}

/** Two outputs that are one file on a case-insensitive, normalising filesystem (macOS, Windows) share this key. */
export function outputKey(output: string): string {
  // ASCII (nearly every output) is its own NFC form, and case-folds by toLowerCase alone.
  if (!NON_ASCII.test(output)) return output.toLowerCase();
  return output.normalize("NFC").toUpperCase().toLowerCase();
}
// biome-ignore lint/suspicious/noControlCharactersInRegex: the test is "any character past ASCII"
const NON_ASCII = /[^\u0000-\u007f]/;
