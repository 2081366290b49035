import { LineCounter, parseDocument, isMap, isSeq, isPair, isScalar, visit, type Document, type Node } from "yaml";
import { ConfigError, type Issue } from "./user-error.js";
import { yamlIssues } from "./yaml-errors.js";
import { readPlainYaml, type FastDocument, type FastNode } from "./yaml-fast.js";

const tooBig = "the document nests too deeply to read";

export type FieldPath = readonly (string | number)[];

/**
 * A parsed YAML file that can map a field path back to its line and column. Plain documents
 * (most manifests and configs) are read by the fast reader in yaml-fast.ts; the rest, and
 * every document with an error, by the `yaml` package.
 */
export class YamlSource {
  private constructor(
    readonly file: string,
    private readonly doc: Document | undefined,
    private readonly fast: FastDocument | undefined,
    private readonly linePos: (offset: number) => { line: number; col: number },
  ) {}

  /**
   * Parses `text`; a syntax error becomes a ConfigError pointing at the line, in plain words.
   * Duplicate keys are found in one pass (the library's own check is quadratic in the keys).
   * `fast: false` skips the fast reader (to compare the two).
   */
  static parse(file: string, text: string, opts: { fast?: boolean } = {}): YamlSource {
    const fast = opts.fast === false ? undefined : readPlainYaml(text);
    if (fast) return new YamlSource(file, undefined, fast, lineStarts(text));
    const lines = new LineCounter();
    let doc: Document;
    try {
      doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: false });
    } catch (err) {
      // A pathological input (nesting thousands deep) can exhaust the parser's stack.
      if (err instanceof RangeError) throw new ConfigError([{ file, line: 1, col: 1, path: "", message: `invalid YAML: ${tooBig}` }]);
      throw err;
    }
    if (doc.errors.length > 0) throw new ConfigError(yamlIssues(file, text, doc.errors, (o) => lines.linePos(o)));
    const source = new YamlSource(file, doc, undefined, (o) => lines.linePos(o));
    const dupes = source.duplicateKeys(doc);
    if (dupes.length) throw new ConfigError(dupes);
    return source;
  }

  /** True when the fast reader read this document (for tests and measurements). */
  get readFast(): boolean {
    return this.fast !== undefined;
  }

  /** The plain JavaScript value of the document; an alias bomb or runaway nesting is a ConfigError at its line. */
  toJS(): unknown {
    if (this.fast) return structuredClone(this.fast.value); // callers may change what they get
    const doc = this.doc!;
    try {
      return doc.toJS();
    } catch (err) {
      if (!(err instanceof ReferenceError || err instanceof RangeError)) throw err;
      let at = 0;
      try {
        visit(doc, {
          Alias(_, node) {
            at = node.range?.[0] ?? 0;
            return visit.BREAK;
          },
        });
      } catch {
        // too deep to walk: point at the start
      }
      const { line, col } = this.linePos(at);
      const why = err instanceof ReferenceError ? "aliases expand to too many values (a YAML alias bomb?)" : tooBig;
      throw new ConfigError([{ file: this.file, line, col, path: "", message: `invalid YAML: ${why}` }]);
    }
  }

  /** Keys that appear twice in one mapping, each at its second occurrence. Linear in the document. */
  private duplicateKeys(doc: Document): Issue[] {
    const out: Issue[] = [];
    const stack: unknown[] = [doc.contents];
    while (stack.length) {
      const node = stack.pop();
      if (isMap(node)) {
        const seen = new Set<string>();
        for (const pair of node.items) {
          if (isScalar(pair.key)) {
            const k = String(pair.key.value);
            if (seen.has(k)) {
              const { line, col } = this.linePos(pair.key.range?.[0] ?? 0);
              out.push({ file: this.file, line, col, path: "", message: `invalid YAML: key "${k}" appears twice in the same mapping` });
            } else seen.add(k);
          }
          stack.push(pair.value);
        }
      } else if (isSeq(node)) for (const item of node.items) stack.push(item);
    }
    return out.sort((a, b) => a.line! - b.line!);
  }

  /**
   * Line and column of the node at `path`, or of the closest ancestor that exists.
   * With `key`, points at the key of the last segment instead of its value (for unknown keys).
   */
  locate(path: FieldPath, key = false): { line: number; col: number } {
    if (this.fast) return this.linePos(locateFast(this.fast.root, path, key));
    let node: unknown = this.doc!.contents;
    let offset = rangeStart(node) ?? 0;
    for (let i = 0; i < path.length; i++) {
      const seg = path[i];
      const last = i === path.length - 1;
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
        if (!pair) break;
        if (last && key) {
          offset = rangeStart(pair.key) ?? offset;
          break;
        }
        node = pair.value;
        offset = rangeStart(node) ?? rangeStart(pair.key) ?? offset;
      } else if (isSeq(node) && typeof seg === "number") {
        node = node.items[seg];
        if (node === undefined) break;
        offset = rangeStart(node) ?? offset;
      } else break;
    }
    return this.linePos(offset);
  }

  /** Builds an Issue located at `path`. */
  issue(path: FieldPath, message: string, key = false): Issue {
    const { line, col } = this.locate(path, key);
    return { file: this.file, line, col, path: formatPath(path), message };
  }
}

/** locate() on the fast reader's tree: the same walk over the same starts. */
function locateFast(root: FastNode, path: FieldPath, key: boolean): number {
  let node = root;
  let offset = node.start;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    if (node.kind === "map") {
      const pair = node.pairs.get(String(seg));
      if (!pair) break;
      if (i === path.length - 1 && key) return pair.keyStart;
      node = pair.value;
    } else if (node.kind === "seq" && typeof seg === "number") {
      const item = node.items[seg];
      if (item === undefined) break;
      node = item;
    } else break;
    offset = node.start;
  }
  return offset;
}

/** Offset to 1-based line and column, by a binary search of the line starts. */
function lineStarts(text: string): (offset: number) => { line: number; col: number } {
  const starts = [0];
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, col: offset - starts[lo] + 1 };
  };
}

function rangeStart(node: unknown): number | undefined {
  return (node as Node | null)?.range?.[0];
}

/** `["assets", 2, "aspectRatio"]` → `assets[2].aspectRatio`. */
export function formatPath(path: FieldPath): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else out += out ? `.${seg}` : seg;
  }
  return out;
}
