/**
 * A fast reader for the plain YAML most manifests and configs are written in: block mappings
 * and sequences by indentation, one-line flow collections (`{ a: 1 }`, `[x, y]`), quoted and
 * plain scalars, comments. It returns the value and, for every node, the offset where it
 * starts, which is what YamlSource needs for line numbers.
 *
 * It gives up (returns undefined) on anything else, and on anything it is not sure of: block
 * scalars, anchors, tags, multi-line scalars, numbers other than plain integers and
 * decimals, keys that are not plain words, duplicate keys, empty values, errors of every kind. The `yaml` package then reads
 * the file and reports whatever is wrong. So this never decides what a document means on its
 * own: a test holds it to the package's value and positions on generated documents.
 *
 * Why: the `yaml` package takes 20-35 ms for a 200-entry manifest in a fresh process (most of
 * a build's start-up before its first request); this takes about one.
 */

/** A node of the document: where it starts (an offset into the text) and its children. */
export type FastNode =
  | { start: number; kind: "map"; pairs: Map<string, { keyStart: number; value: FastNode }> }
  | { start: number; kind: "seq"; items: FastNode[] }
  | { start: number; kind: "scalar" };

export interface FastDocument {
  value: unknown;
  root: FastNode;
}

/** Thrown inside the reader when the text is outside what it reads; caught at the top. */
class GiveUp {}
const giveUp = (): never => {
  throw new GiveUp();
};

interface Line {
  /** Offset of the line's first character in the text. */
  at: number;
  indent: number;
  text: string;
}

type Parsed = { node: FastNode; value: unknown };

const KEY = /^[A-Za-z_][A-Za-z0-9_.\-/]*/;
const INT = /^-?(?:0|[1-9][0-9]{0,14})$/;
const FLOAT = /^-?(?:0|[1-9][0-9]{0,14})\.[0-9]{1,15}$/;
// Every plain scalar the core schema reads as something other than a string (yaml 1.2 core):
// unless it is a plain integer, a decimal, true/false or null (WORDS), the reader gives up.
const NOT_STRING =
  /^(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE|[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
const WORDS: Record<string, boolean | null> = {
  __proto__: null as never,
  true: true,
  True: true,
  TRUE: true,
  false: false,
  False: false,
  FALSE: false,
  null: null,
  Null: null,
  NULL: null,
  "~": null,
};
const INDICATOR = /^[-?:,[\]{}#&*!|>'"%@`]/;
const ESCAPES: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", n: "\n", t: "\t", r: "\r" };

/** The document, or undefined when it is not in the plain form this reads. */
export function readPlainYaml(text: string): FastDocument | undefined {
  if (/[\t\r\uFEFF]/.test(text)) return undefined;
  try {
    return new Reader(text).document();
  } catch (err) {
    if (err instanceof GiveUp || err instanceof RangeError) return undefined;
    throw err;
  }
}

class Reader {
  private readonly lines: Line[] = [];
  /** Index of the next line to read. */
  private i = 0;

  constructor(text: string) {
    let at = 0;
    for (const raw of text.split("\n")) {
      const indent = raw.length - raw.trimStart().length;
      const body = raw.slice(indent);
      if (body !== "" && body[0] !== "#") this.lines.push({ at, indent, text: raw });
      at += raw.length + 1;
    }
  }

  document(): FastDocument {
    const first = this.lines[0];
    if (first?.indent !== 0) return giveUp();
    const body = first.text;
    if (body.startsWith("---") || body.startsWith("...") || body[0] === "%") return giveUp();
    const { node, value } = this.isSeqItem(first) ? this.seq(0) : this.map(0, 0, 0);
    if (this.i < this.lines.length) return giveUp();
    return { value, root: node };
  }

  private isSeqItem(line: Line): boolean {
    const c = line.text[line.indent];
    const next = line.text[line.indent + 1];
    return c === "-" && (next === " " || next === undefined);
  }

  /** A block sequence whose dashes are at column `indent`. */
  private seq(indent: number): Parsed {
    const items: FastNode[] = [];
    const values: unknown[] = [];
    const start = this.lines[this.i].at + indent;
    while (this.i < this.lines.length) {
      const line = this.lines[this.i];
      if (line.indent < indent) break;
      if (line.indent > indent || !this.isSeqItem(line)) return giveUp();
      let col = indent + 1;
      while (line.text[col] === " ") col++;
      if (col >= line.text.length || line.text[col] === "#" || this.isSeqItem({ ...line, indent: col })) return giveUp();
      const item = this.startsMap(line.text, col) ? this.map(col, this.i, col) : this.inlineLine(line, col);
      items.push(item.node);
      values.push(item.value);
    }
    return { node: { start, kind: "seq", items }, value: values };
  }

  /** True when `text` at `col` reads `key:` followed by a space or the end of the line. */
  private startsMap(text: string, col: number): boolean {
    const c = text[col];
    if (c === "{" || c === "[") return false;
    const end = readKey(text, col)?.end ?? col;
    return end > col && text[end] === ":" && (text[end + 1] === " " || end + 1 === text.length);
  }

  /**
   * A block mapping whose keys are at column `indent`; its first key may sit later on a line
   * already begun (`- name: x` in a sequence): line `first`, column `firstCol`.
   */
  private map(indent: number, first: number, firstCol: number): Parsed {
    const pairs = new Map<string, { keyStart: number; value: FastNode }>();
    const value: Record<string, unknown> = {};
    const start = this.lines[first].at + firstCol;
    let col = firstCol;
    while (this.i < this.lines.length) {
      const line = this.lines[this.i];
      if (this.i !== first || col !== firstCol) {
        if (line.indent < indent) break;
        if (line.indent > indent || this.isSeqItem(line)) return giveUp();
        col = indent;
      }
      const text = line.text;
      const keyStart = line.at + col;
      const read = readKey(text, col);
      if (!read) return giveUp();
      const { key, end } = read;
      if (text[end] !== ":" || pairs.has(key) || key === "__proto__") return giveUp();
      let at = end + 1;
      if (at < text.length && text[at] !== " ") return giveUp();
      while (text[at] === " ") at++;
      let child: Parsed;
      if (at >= text.length || text[at] === "#") {
        // The value is the block below: deeper, or a sequence at the key's own indent.
        this.i++;
        const next = this.lines[this.i];
        if (!next) return giveUp();
        if (next.indent > indent) child = this.isSeqItem(next) ? this.seq(next.indent) : this.map(next.indent, this.i, next.indent);
        else if (next.indent === indent && this.isSeqItem(next)) child = this.seq(indent);
        else return giveUp();
      } else child = this.inlineLine(line, at);
      pairs.set(key, { keyStart, value: child.node });
      value[key] = child.value;
      col = -1;
    }
    return { node: { start, kind: "map", pairs }, value };
  }

  /** A value that ends its line (a scalar or a flow collection, then at most a comment); moves to the next line. */
  private inlineLine(line: Line, col: number): Parsed {
    const text = line.text;
    let parsed: Parsed;
    let end: number;
    const c = text[col];
    if (c === "{" || c === "[") [parsed, end] = flow(text, col, line.at);
    else if (c === '"' || c === "'") {
      end = quotedEnd(text, col);
      parsed = { node: { start: line.at + col, kind: "scalar" }, value: quoted(text, col, end) };
    } else {
      let stop = text.indexOf(" #", col);
      if (stop < 0) stop = text.length;
      const raw = text.slice(col, stop).trimEnd();
      if (raw.includes(": ") || raw.endsWith(":")) return giveUp();
      parsed = { node: { start: line.at + col, kind: "scalar" }, value: plain(raw) };
      end = col + raw.length;
    }
    restIsComment(text, end);
    this.i++;
    return parsed;
  }
}

/**
 * The mapping key that opens at `col`, quoted or plain (as KEY allows, and a string: not
 * `true`, `null` or a number), with the column just after it; undefined when none does.
 */
function readKey(text: string, col: number): { key: string; end: number } | undefined {
  if (text[col] === '"' || text[col] === "'") {
    const end = quotedEnd(text, col);
    return { key: quoted(text, col, end), end };
  }
  const m = KEY.exec(text.slice(col));
  if (!m || NOT_STRING.test(m[0])) return undefined;
  return { key: m[0], end: col + m[0].length };
}

/** Nothing but spaces and a comment (after a space) from `at` to the end of the line. */
function restIsComment(text: string, at: number): void {
  let i = at;
  while (text[i] === " ") i++;
  if (i < text.length && (text[i] !== "#" || i === at)) giveUp();
}

/** A one-line flow collection starting at `col` (a `{` or `[`): the value and the column after it. */
function flow(text: string, col: number, lineAt: number, depth = 0): [Parsed, number] {
  if (depth > 64) return giveUp();
  const open = text[col];
  const close = open === "{" ? "}" : "]";
  const start = lineAt + col;
  let i = skipSpaces(text, col + 1);
  if (text[i] === close) {
    const node: FastNode = open === "{" ? { start, kind: "map", pairs: new Map() } : { start, kind: "seq", items: [] };
    return [{ node, value: open === "{" ? {} : [] }, i + 1];
  }
  const pairs = new Map<string, { keyStart: number; value: FastNode }>();
  const obj: Record<string, unknown> = {};
  const items: FastNode[] = [];
  const arr: unknown[] = [];
  for (;;) {
    if (open === "{") {
      const keyStart = lineAt + i;
      const read = readKey(text, i);
      if (!read) return giveUp();
      const { key } = read;
      i = read.end;
      if (text[i] !== ":" || text[i + 1] !== " " || pairs.has(key) || key === "__proto__") return giveUp();
      const [item, next] = flowItem(text, skipSpaces(text, i + 1), lineAt, depth);
      pairs.set(key, { keyStart, value: item.node });
      obj[key] = item.value;
      i = next;
    } else {
      const [item, next] = flowItem(text, i, lineAt, depth);
      items.push(item.node);
      arr.push(item.value);
      i = next;
    }
    i = skipSpaces(text, i);
    if (text[i] === close) break;
    if (text[i] !== ",") return giveUp();
    i = skipSpaces(text, i + 1);
    if (text[i] === close || text[i] === ",") return giveUp(); // a trailing or empty entry
  }
  const node: FastNode = open === "{" ? { start, kind: "map", pairs } : { start, kind: "seq", items };
  return [{ node, value: open === "{" ? obj : arr }, i + 1];
}

/** One value inside a flow collection: the value and the column after it. */
function flowItem(text: string, col: number, lineAt: number, depth: number): [Parsed, number] {
  const c = text[col];
  if (c === "{" || c === "[") return flow(text, col, lineAt, depth + 1);
  const node: FastNode = { start: lineAt + col, kind: "scalar" };
  if (c === '"' || c === "'") {
    const end = quotedEnd(text, col);
    return [{ node, value: quoted(text, col, end) }, end];
  }
  let end = col;
  while (end < text.length && !",[]{}#".includes(text[end])) end++;
  if (text[end] === "#" && text[end - 1] !== " ") return giveUp();
  const raw = text.slice(col, end).trimEnd();
  // A colon inside a plain scalar is part of it (`16:9`); one that ends a word makes a key.
  if (/:(?:\s|$)/.test(raw)) return giveUp();
  return [{ node, value: plain(raw) }, col + raw.length];
}

function skipSpaces(text: string, at: number): number {
  let i = at;
  while (text[i] === " ") i++;
  return i;
}

/** A plain scalar's value under the core schema: a string or a plain integer (anything else gives up). */
function plain(raw: string): unknown {
  if (raw === "" || INDICATOR.test(raw)) {
    if (INT.test(raw)) return Number(raw);
    if (FLOAT.test(raw)) return Number.parseFloat(raw);
    return giveUp();
  }
  if (INT.test(raw)) return Number(raw);
  if (FLOAT.test(raw)) return Number.parseFloat(raw);
  if (raw in WORDS) return WORDS[raw];
  if (NOT_STRING.test(raw)) return giveUp();
  return raw;
}

/** The column just after the quoted scalar that opens at `col` (gives up when it does not close on the line). */
function quotedEnd(text: string, col: number): number {
  const q = text[col];
  for (let i = col + 1; i < text.length; i++) {
    const c = text[i];
    if (q === '"' && c === "\\") i++;
    else if (c === q) {
      if (q === "'" && text[i + 1] === "'") i++;
      else return i + 1;
    }
  }
  return giveUp();
}

/** The value of the quoted scalar between `col` and `end`. */
function quoted(text: string, col: number, end: number): string {
  const body = text.slice(col + 1, end - 1);
  if (text[col] === "'") return body.replaceAll("''", "'");
  if (!body.includes("\\")) return body;
  let out = "";
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== "\\") {
      out += c;
      continue;
    }
    const e = body[++i];
    if (e === "u" && /^[0-9a-fA-F]{4}$/.test(body.slice(i + 1, i + 5))) {
      out += String.fromCharCode(Number.parseInt(body.slice(i + 1, i + 5), 16));
      i += 4;
    } else if (e in ESCAPES) out += ESCAPES[e];
    else return giveUp();
  }
  return out;
}
