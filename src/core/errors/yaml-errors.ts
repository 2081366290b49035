import type { YAMLError } from "yaml";
import type { Issue } from "./user-error.js";

type Pos = { line: number; col: number };

/**
 * The YAML library's errors in plain words, at the line a person would fix: an over-indented
 * key is reported at its own line (the library points at the line above), one problem per line.
 */
export function yamlIssues(file: string, text: string, errors: readonly YAMLError[], linePos: (offset: number) => Pos): Issue[] {
  const lines = text.split(/\r?\n/);
  const out: Issue[] = [];
  const seen = new Set<number>();
  for (const e of errors) {
    const { line, col, message } = explain(e, linePos(e.pos[0]), lines);
    if (seen.has(line)) continue;
    seen.add(line);
    out.push({ file, line, col, path: "", message: `invalid YAML: ${message}` });
  }
  return out;
}

const indentOf = (s: string) => s.length - s.trimStart().length;
const keyOf = (s: string) => /^\s*(?:-\s+)?([^\s:#][^:#]*?):(?:\s|$)/.exec(s)?.[1];

function explain(e: YAMLError, pos: Pos, lines: string[]): Pos & { message: string } {
  const here = lines[pos.line - 1] ?? "";
  switch (e.code) {
    case "BLOCK_AS_IMPLICIT_KEY":
    case "MULTILINE_IMPLICIT_KEY": {
      // The library points at the value on the line above the over-indented key.
      const next = nextContentLine(lines, pos.line);
      if (next !== undefined) {
        const text = lines[next - 1];
        const key = keyOf(text);
        const above = keyOf(here);
        if (key && indentOf(text) > indentOf(here)) {
          const what = above ? `"${above}:" on line ${pos.line}` : `line ${pos.line}`;
          return {
            line: next,
            col: indentOf(text) + 1,
            message: `"${key}:" is indented deeper than ${what}; keys of one mapping start in the same column (column ${firstKeyCol(here)})`,
          };
        }
      }
      return { ...pos, message: "a value runs onto the next line; put quotes around it, or indent the next key like the keys above" };
    }
    case "BAD_INDENT":
      return { ...pos, message: "this line is not indented like the lines of its block; keys of one mapping start in the same column" };
    case "MISSING_CHAR":
      if (/without - indicator/.test(e.message))
        return {
          line: pos.line,
          col: indentOf(here) + 1,
          message: "this line is indented like a list item but is not one: line its key up with the keys above, or start it with - ",
        };
      break;
    case "TAB_AS_INDENT":
      return { ...pos, message: "tabs are not allowed for indentation; indent with spaces" };
    case "DUPLICATE_KEY":
      return { ...pos, message: "this key appears twice in the same mapping" };
  }
  return { ...pos, message: e.message.split("\n")[0] };
}

function nextContentLine(lines: string[], after: number): number | undefined {
  for (let i = after; i < lines.length; i++) {
    const t = lines[i].trim();
    if (t && !t.startsWith("#")) return i + 1;
  }
  return undefined;
}

function firstKeyCol(line: string): number {
  return /^\s*(?:-\s+)?/.exec(line)![0].length + 1;
}
