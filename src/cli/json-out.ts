/**
 * Writes `JSON.stringify(value, null, 2)` and a newline, byte for byte, without ever holding it
 * as one string: the object's array fields go out item by item, in chunks of 64 KB, and a
 * chunk waits for the stream to drain. `plan --json` of 100,000 assets is 20 MB of JSON.
 * `fields` keeps only these keys of each item of the named arrays (JSON.stringify's key list).
 */
export async function writeJson(
  out: NodeJS.WritableStream,
  value: Record<string, unknown>,
  fields: Record<string, string[]> = {},
): Promise<void> {
  const w = new ChunkWriter(out);
  const indented = (v: unknown, pad: string, keys?: string[]) =>
    w.text((JSON.stringify(v, keys ?? null, 2) ?? "null").replaceAll("\n", `\n${pad}`));
  const keys = Object.keys(value).filter((k) => JSON.stringify(value[k]) !== undefined);
  if (!keys.length) w.text("{}");
  for (const [i, k] of keys.entries()) {
    const v = value[k];
    w.text(`${i ? "," : "{"}\n  ${JSON.stringify(k)}: `);
    if (!Array.isArray(v) || v.length === 0) {
      indented(v, "  ");
      continue;
    }
    w.text("[");
    const flat = fields[k] && flatItems(fields[k], "    ");
    for (let j = 0; j < v.length; j++) {
      w.text(j ? ",\n    " : "\n    ");
      if (!flat?.(w, v[j])) indented(v[j], "    ", fields[k]);
      if (w.full()) await w.flush();
    }
    w.text("\n  ]");
  }
  w.text(keys.length ? "\n}\n" : "\n");
  await w.flush();
}

const CHUNK = 1 << 16;

/**
 * Text gathered as UTF-8 in one reused 64 KB buffer and written as one string per chunk (a
 * stream may hold what it is given; a string is a copy, and a stream writing to a file or a
 * pipe encodes it without a buffer of its own). One write per flush, so every write but the
 * last has drained.
 */
class ChunkWriter {
  private readonly buf = Buffer.allocUnsafe(CHUNK);
  private at = 0;
  /** Text gathered before a text too long for the buffer, and that text. */
  private ready: string[] = [];

  constructor(private readonly out: NodeJS.WritableStream) {}

  /** Appends the text. */
  text(s: string): void {
    if (this.at + s.length * 3 > CHUNK) {
      this.ready.push(this.take(), s);
      return;
    }
    this.at += this.buf.write(s, this.at);
  }

  /** Appends one byte (ASCII). */
  byte(b: number): void {
    if (this.at === CHUNK) this.ready.push(this.take());
    this.buf[this.at++] = b;
  }

  /** Whether a chunk is ready to go out. */
  full(): boolean {
    return this.ready.length > 0 || this.at >= CHUNK - 4096;
  }

  /** Writes what is gathered, as one chunk; waits when the stream asks to (or has closed or failed). */
  async flush(): Promise<void> {
    const chunk = this.ready.length ? this.ready.join("") + this.take() : this.take();
    this.ready = [];
    if (chunk && !this.out.write(chunk)) await drained(this.out);
  }

  /** The buffer's text so far; empties the buffer. */
  private take(): string {
    const s = this.buf.toString("utf8", 0, this.at);
    this.at = 0;
    return s;
  }
}

/** Resolves when the stream can take more, or can take nothing any more (closed, failed). */
function drained(out: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      out.off("drain", done);
      out.off("close", done);
      out.off("error", done);
      resolve();
    };
    out.on("drain", done);
    out.on("close", done);
    out.on("error", done);
  });
}

/** Text JSON.stringify writes as it is between its quotes: no quote, backslash, control character or surrogate. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are what JSON escapes
const PLAIN = /^[^"\\\u0000-\u001f\ud800-\udfff]*$/;

/**
 * A writer of `JSON.stringify(item, keys, 2)` indented by `pad`, straight into the chunks, for
 * items whose kept fields are all strings, numbers, booleans or null (a plan item); it writes
 * nothing and returns false for any other item. No per-item string is built: the field heads
 * are made once, plain text is copied between its quotes.
 */
function flatItems(keys: string[], pad: string): (w: ChunkWriter, item: unknown) => boolean {
  const later = keys.map((k) => `,\n${pad}  ${JSON.stringify(k)}: `);
  const first = later.map((h) => `{${h.slice(1)}`);
  const close = `\n${pad}}`;
  return (w, item) => {
    if (item === null || typeof item !== "object" || Array.isArray(item) || "toJSON" in item) return false;
    const o = item as Record<string, unknown>;
    for (const k of keys) {
      const v = o[k];
      if (v !== null && typeof v === "object") return false;
    }
    let none = true;
    for (let i = 0; i < keys.length; i++) {
      const v = o[keys[i]];
      if (v === undefined || typeof v === "function" || typeof v === "symbol") continue;
      w.text(none ? first[i] : later[i]);
      none = false;
      if (typeof v === "string" && PLAIN.test(v)) {
        w.byte(0x22);
        w.text(v);
        w.byte(0x22);
      } else w.text(JSON.stringify(v));
    }
    w.text(none ? "{}" : close);
    return true;
  };
}
