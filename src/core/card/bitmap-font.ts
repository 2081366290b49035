/**
 * A tiny embedded 5x7 (+1 descender row) bitmap font for printable ASCII (32..126), so the
 * simulator can draw text without system fonts, fontconfig or any download.
 *
 * Data layout: one entry per glyph, 5 column bytes as 10 hex digits, left
 * column first; bit 0 of a column byte is the top row, bit 6 the baseline and
 * bit 7 the descender row (the classic "5x7 LCD" layout plus descenders for
 * g j p q y , and _). It is transposed once at load time into
 * row masks, which is the shape the rasteriser wants.
 */

/** Glyph width in font pixels (excluding letter spacing). */
export const GLYPH_WIDTH = 5;
/** Glyph height in font pixels (excluding line spacing). */
export const GLYPH_HEIGHT = 8;

const FIRST = 32;
const LAST = 126;

// prettier-ignore
const COLUMNS: readonly string[] = [
  "0000000000", // ' '
  "00005f0000", // !
  "0007000700", // "
  "147f147f14", // #
  "242a7f2a12", // $
  "2313086462", // %
  "3649552250", // &
  "0000070000", // '
  "001c224100", // (
  "0041221c00", // )
  "14083e0814", // *
  "08083e0808", // +
  "00a0600000", // ,
  "0808080808", // -
  "0060600000", // .
  "2010080402", // /
  "3e5149453e", // 0
  "00427f4000", // 1
  "4261514946", // 2
  "2141454b31", // 3
  "1814127f10", // 4
  "2745454539", // 5
  "3c4a494930", // 6
  "0171090503", // 7
  "3649494936", // 8
  "064949291e", // 9
  "0036360000", // :
  "0056360000", // ;
  "0814224100", // <
  "1414141414", // =
  "0041221408", // >
  "0201510906", // ?
  "324979413e", // @
  "7e1111117e", // A
  "7f49494936", // B
  "3e41414122", // C
  "7f4141221c", // D
  "7f49494941", // E
  "7f09090101", // F
  "3e41495132", // G
  "7f0808087f", // H
  "00417f4100", // I
  "2040413f01", // J
  "7f08142241", // K
  "7f40404040", // L
  "7f020c027f", // M
  "7f0408107f", // N
  "3e4141413e", // O
  "7f09090906", // P
  "3e4151215e", // Q
  "7f09192946", // R
  "4649494931", // S
  "01017f0101", // T
  "3f4040403f", // U
  "1f2040201f", // V
  "3f4038403f", // W
  "6314081463", // X
  "0304780403", // Y
  "6151494543", // Z
  "007f414100", // [
  "0204081020", // \
  "0041417f00", // ]
  "0402010204", // ^
  "8080808080", // _
  "0001020400", // `
  "2054545478", // a
  "7f48444438", // b
  "3844444420", // c
  "384444487f", // d
  "3854545418", // e
  "087e090102", // f
  "18a4a4a47c", // g
  "7f08040478", // h
  "00447d4000", // i
  "4080847d00", // j
  "7f10284400", // k
  "00417f4000", // l
  "7c04180478", // m
  "7c08040478", // n
  "3844444438", // o
  "fc24242418", // p
  "18242424fc", // q
  "7c08040408", // r
  "4854545420", // s
  "043f444020", // t
  "3c4040207c", // u
  "1c2040201c", // v
  "3c4030403c", // w
  "4428102844", // x
  "1ca0a0a07c", // y
  "4464544c44", // z
  "0008364100", // {
  "00007f0000", // |
  "0041360800", // }
  "0804081008", // ~
];

/** Row masks: GLYPH_HEIGHT bytes per glyph, bit 4 = leftmost column, bit 0 = rightmost. */
const ROWS: Uint8Array = (() => {
  if (COLUMNS.length !== LAST - FIRST + 1) throw new Error("bitmap-font: glyph table size mismatch");
  const rows = new Uint8Array(COLUMNS.length * GLYPH_HEIGHT);
  COLUMNS.forEach((hex, g) => {
    for (let c = 0; c < GLYPH_WIDTH; c++) {
      const col = parseInt(hex.slice(c * 2, c * 2 + 2), 16);
      for (let r = 0; r < GLYPH_HEIGHT; r++) {
        if (col & (1 << r)) rows[g * GLYPH_HEIGHT + r] |= 1 << (GLYPH_WIDTH - 1 - c);
      }
    }
  });
  return rows;
})();

/**
 * The GLYPH_HEIGHT row masks of a glyph (bit 4 = leftmost pixel). Codes outside 32..126
 * get the glyph of '?'.
 */
export function glyphRows(code: number): Uint8Array {
  const c = code >= FIRST && code <= LAST ? code : 63;
  const at = (c - FIRST) * GLYPH_HEIGHT;
  return ROWS.subarray(at, at + GLYPH_HEIGHT);
}

/** ASCII stand-ins for common typographic punctuation (everything else non-ASCII becomes '?'). */
const LOOKALIKES: Readonly<Record<string, string>> = {
  "\u00a0": " ",
  "\u00b7": "|",
  "\u2022": "*",
  "\u00d7": "x",
  "\u2013": "-",
  "\u2014": "-",
  "\u2026": "...",
  "\u2018": "'",
  "\u2019": "'",
  "\u201c": '"',
  "\u201d": '"',
};

/**
 * Maps arbitrary text onto the font's character set: CRLF/CR become "\n",
 * other control characters (tabs included) become spaces, a few typographic
 * marks (middle dot, dashes, curly quotes, ellipsis, ...) become ASCII
 * look-alikes, and every other code point outside printable ASCII becomes a
 * single '?'.
 */
export function toFontText(text: string): string {
  let out = "";
  for (const ch of text.replace(/\r\n?/g, "\n")) {
    const code = ch.codePointAt(0) ?? 63;
    if (ch === "\n") out += ch;
    else if (code < FIRST || code === 127) out += " ";
    else out += code <= LAST ? ch : (LOOKALIKES[ch] ?? "?");
  }
  return out;
}
