import { LineCounter, parseDocument, isMap, isSeq, isPair, isScalar, type Document, type Node } from "yaml";
import { ConfigError, type Issue } from "./user-error.js";

export type FieldPath = readonly (string | number)[];

/** A parsed YAML file that can map a field path back to its line and column. */
export class YamlSource {
  private constructor(
    readonly file: string,
    readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  /** Parses `text`; a syntax error becomes a ConfigError pointing at the line. */
  static parse(file: string, text: string): YamlSource {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
    if (doc.errors.length > 0) {
      throw new ConfigError(
        doc.errors.map((e) => {
          const pos = lines.linePos(e.pos[0]);
          return { file, line: pos.line, col: pos.col, path: "", message: `invalid YAML: ${firstLine(e.message)}` };
        }),
      );
    }
    return new YamlSource(file, doc, lines);
  }

  /** The plain JavaScript value of the document. */
  toJS(): unknown {
    return this.doc.toJS();
  }

  /**
   * Line and column of the node at `path`, or of the closest ancestor that exists.
   * With `key`, points at the key of the last segment instead of its value (for unknown keys).
   */
  locate(path: FieldPath, key = false): { line: number; col: number } {
    let node: unknown = this.doc.contents;
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
    return this.lines.linePos(offset);
  }

  /** Builds an Issue located at `path`. */
  issue(path: FieldPath, message: string, key = false): Issue {
    const { line, col } = this.locate(path, key);
    return { file: this.file, line, col, path: formatPath(path), message };
  }
}

function rangeStart(node: unknown): number | undefined {
  return (node as Node | null)?.range?.[0];
}

function firstLine(s: string): string {
  return s.split("\n")[0];
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
