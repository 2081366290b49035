/**
 * A "card" (seeded background, title, word-wrapped text, footer) drawn into a raw RGB buffer
 * with the embedded bitmap font: pure arithmetic, no system fonts, no encoder. The simulator
 * encodes cards as its images; the engine as the stand-ins of `build --placeholders`.
 */
import { createHash } from "node:crypto";
import { GLYPH_HEIGHT, GLYPH_WIDTH, glyphRows, toFontText } from "./bitmap-font.js";

/** What to draw. */
export interface CardDrawing {
  /** Exact width in pixels (integer, 1..16384). */
  width: number;
  /** Exact height in pixels (integer, 1..16384). */
  height: number;
  /** Named in the footer (the encoding the caller will use). */
  format: string;
  /** Short label drawn large at the top, e.g. "nano-banana-pro · 2K · 16:9". */
  title: string;
  /** Body text (the prompt); word-wrapped and truncated with "..." if it does not fit. */
  text: string;
  /** Any string; deterministically picks the background colours. */
  seed: string;
}

type RGB = readonly [number, number, number];

const CELL_W = GLYPH_WIDTH + 1; // one font pixel of letter spacing
const LINE_H = GLYPH_HEIGHT + 2; // two font pixels of leading
const MAX_SIDE = 16384;

/** A raw, tightly packed RGB canvas filled with native Buffer.fill calls. */
class Canvas {
  readonly buf: Buffer;
  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.buf = Buffer.alloc(width * height * 3);
  }

  /** Fills a clipped rectangle with a solid colour. */
  rect(x: number, y: number, w: number, h: number, c: RGB): void {
    const x0 = Math.max(0, x),
      x1 = Math.min(this.width, x + w);
    const y0 = Math.max(0, y),
      y1 = Math.min(this.height, y + h);
    if (x0 >= x1 || y0 >= y1) return;
    const pattern = Buffer.from(c);
    for (let row = y0; row < y1; row++) {
      const off = (row * this.width + x0) * 3;
      this.buf.fill(pattern, off, off + (x1 - x0) * 3);
    }
  }

  /** Rows [y0, y1) of a vertical two-colour gradient over the whole canvas. */
  gradient(top: RGB, bottom: RGB, y0: number, y1: number): void {
    const span = Math.max(1, this.height - 1);
    for (let y = y0; y < y1; y++) {
      const t = y / span;
      const mix = (i: number) => Math.round(top[i] + (bottom[i] - top[i]) * t);
      this.rect(0, y, this.width, 1, [mix(0), mix(1), mix(2)]);
    }
  }

  /** Draws one line of font text with its top-left corner at (x, y), glyphs scaled by `scale`. */
  text(line: string, x: number, y: number, scale: number, c: RGB): void {
    for (let i = 0; i < line.length; i++) {
      const rows = glyphRows(line.charCodeAt(i));
      const gx = x + i * CELL_W * scale;
      for (let r = 0; r < GLYPH_HEIGHT; r++) {
        const bits = rows[r];
        for (let col = 0; col < GLYPH_WIDTH; ) {
          if (!(bits & (1 << (GLYPH_WIDTH - 1 - col)))) {
            col++;
            continue;
          }
          let end = col + 1; // extend the run of lit pixels to draw it as one rectangle
          while (end < GLYPH_WIDTH && bits & (1 << (GLYPH_WIDTH - 1 - end))) end++;
          this.rect(gx + col * scale, y + r * scale, (end - col) * scale, scale, c);
          col = end;
        }
      }
    }
  }
}

/** HSL (h in degrees, s and l in 0..1) to 8-bit RGB. */
function hsl(h: number, s: number, l: number): RGB {
  const k = (n: number) => (n + h / 30) % 12;
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => Math.round(255 * (l - a * Math.max(-1, Math.min(k(n) - 3, 9 - k(n), 1))));
  return [f(0), f(8), f(4)];
}

/** WCAG relative luminance. */
function luminance(c: RGB): number {
  const lin = (v: number) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
  return 0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2]);
}

/** Background gradient and the black-or-white ink that contrasts best with both of its ends. */
function palette(seed: string): { top: RGB; bottom: RGB; ink: RGB; tag: string } {
  const d = createHash("sha256").update(seed, "utf8").digest();
  const hue = (d.readUInt16BE(0) / 65536) * 360;
  const sat = 0.45 + (d[2] / 255) * 0.4;
  const light = d[3] & 1 ? 0.22 + (d[4] / 255) * 0.12 : 0.66 + (d[4] / 255) * 0.12;
  const top = hsl(hue, sat, light);
  const bottom = hsl((hue + 20 + (d[5] / 255) * 40) % 360, sat, light + (d[3] & 1 ? 0.1 : -0.1));
  const lums = [luminance(top), luminance(bottom)];
  const vsWhite = Math.min(...lums.map((l) => 1.05 / (l + 0.05)));
  const vsBlack = Math.min(...lums.map((l) => (l + 0.05) / 0.05));
  const ink: RGB = vsWhite >= vsBlack ? [255, 255, 255] : [0, 0, 0];
  return { top, bottom, ink, tag: d.subarray(0, 4).toString("hex") };
}

/** Greedy word wrap to `maxChars` columns; honours "\n", breaks over-long words (after a hyphen if possible). */
function wrap(text: string, maxChars: number): string[] {
  if (maxChars < 1) return [];
  const lines: string[] = [];
  for (const para of text.trim().split("\n")) {
    let line = "";
    for (let word of para.split(" ").filter(Boolean)) {
      while (word.length > maxChars) {
        const room = line ? maxChars - line.length - 1 : maxChars;
        if (line && room < 4) {
          lines.push(line);
          line = "";
          continue;
        } // not worth splitting here
        const dash = word.lastIndexOf("-", room - 1); // prefer breaking after a hyphen
        const cut = dash >= 2 ? dash + 1 : room;
        lines.push((line ? `${line} ` : "") + word.slice(0, cut));
        line = "";
        word = word.slice(cut);
      }
      if (!line) line = word;
      else if (line.length + 1 + word.length <= maxChars) line += ` ${word}`;
      else {
        lines.push(line);
        line = word;
      }
    }
    lines.push(line);
  }
  return lines;
}

/** Keeps at most `maxLines` lines, marking a cut with "..." at the end of the last kept line. */
function fitLines(lines: string[], maxChars: number, maxLines: number): string[] {
  if (lines.length <= maxLines) return lines;
  if (maxLines <= 0 || maxChars <= 0) return [];
  const out = lines.slice(0, maxLines);
  const last = out[maxLines - 1];
  const kept = last.length + 3 <= maxChars ? last : last.slice(0, Math.max(0, maxChars - 3)).trimEnd();
  out[maxLines - 1] = `${kept}...`.slice(0, maxChars);
  return out;
}

/**
 * Draws a deterministic card: a background gradient picked from `sha256(seed)`, a thin
 * border, the title in large type, the word-wrapped text and a small footer (size, format,
 * seed tag), all in the embedded bitmap font (non-ASCII characters show as '?' or an ASCII
 * look-alike). Identical options always give identical pixels.
 *
 * @returns tightly packed RGB pixels, `width` x `height`.
 * @throws RangeError on a non-integer or out-of-range size.
 */
export function drawCard(opts: CardDrawing): Buffer {
  const steps = paintCard(opts);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** About this many bytes of gradient are painted between two yields of paintCard. */
const BAND_BYTES = 1 << 19;

/**
 * drawCard in steps: yields after each band of the background (about BAND_BYTES) and each line
 * of text, so that a caller with other work (a server answering requests) can paint between
 * it; returns the same pixels as drawCard.
 */
export function* paintCard(opts: CardDrawing): Generator<void, Buffer, void> {
  const { width: w, height: h, format } = opts;
  for (const [name, v] of [
    ["width", w],
    ["height", h],
  ] as const) {
    if (!Number.isInteger(v) || v < 1 || v > MAX_SIDE)
      throw new RangeError(`renderCard: ${name} must be an integer in 1..${MAX_SIDE}, got ${v}`);
  }

  const { top, bottom, ink, tag } = palette(opts.seed);
  const canvas = new Canvas(w, h);
  const band = Math.max(1, Math.floor(BAND_BYTES / (w * 3)));
  for (let y = 0; y < h; y += band) {
    canvas.gradient(top, bottom, y, Math.min(h, y + band));
    yield;
  }

  const minSide = Math.min(w, h);
  const border = Math.max(1, Math.round(minSide / 200));
  for (const [x, y, bw, bh] of [
    [0, 0, w, border],
    [0, h - border, w, border],
    [0, 0, border, h],
    [w - border, 0, border, h],
  ]) {
    canvas.rect(x, y, bw, bh, ink);
  }

  // Layout: body scale from the image area, capped so ~28 columns and ~8 lines fit.
  const pad = border + Math.max(3, Math.round(minSide * 0.035));
  const innerW = w - 2 * pad,
    innerH = h - 2 * pad;
  const body = Math.max(
    1,
    Math.min(Math.round(Math.sqrt(w * h) / 360), Math.floor(innerW / (CELL_W * 28)), Math.floor(innerH / (LINE_H * 8))),
  );
  const cols = (scale: number) => Math.max(0, Math.floor((innerW + scale) / (CELL_W * scale)));

  // Title: the largest scale in (body, 2*body] at which it wraps to at most 3 lines.
  const title = toFontText(opts.title).replace(/\s+/g, " ").trim();
  let tScale = 2 * body;
  while (tScale > body + 1 && wrap(title, cols(tScale)).length > 3) tScale--;
  const titleLines = fitLines(wrap(title, cols(tScale)), cols(tScale), 3);

  let y = pad;
  for (const line of title ? titleLines : []) {
    canvas.text(line, pad, y, tScale, ink);
    y += LINE_H * tScale;
    yield;
  }
  if (title) {
    canvas.rect(pad, y, innerW, body, ink); // rule under the title
    y += body + Math.round((LINE_H * body) / 2);
  }

  // Footer on the bottom line, body text in between.
  const footer = `${w}x${h} ${format} #${tag}`.slice(0, cols(body));
  const footerY = h - pad - GLYPH_HEIGHT * body;
  const bodyRoom = footerY - Math.round((LINE_H * body) / 2) - y;
  const maxLines = Math.floor((bodyRoom + (LINE_H - GLYPH_HEIGHT) * body) / (LINE_H * body));
  const bodyLines = fitLines(wrap(toFontText(opts.text), cols(body)), cols(body), maxLines);
  for (const line of bodyLines) {
    canvas.text(line, pad, y, body, ink);
    y += LINE_H * body;
    yield;
  }
  if (footerY >= y) canvas.text(footer, pad, footerY, body, ink);

  return canvas.buf;
}
