import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { glyphRows, toFontText } from "../../src/core/card/bitmap-font.js";
import { renderCard, type CardFormat, type CardOptions } from "../../src/simulator/card.js";

const PROMPT =
  "A cozy isometric illustration of a tiny coffee shop on a floating island, warm morning light, " +
  "soft pastel palette, potted plants on every windowsill, a cat asleep on the awning. Café ☕ ünïcödé. ";

const base: CardOptions = {
  width: 1024,
  height: 1024,
  format: "png",
  title: "nano-banana-pro · 2K · 16:9",
  text: PROMPT,
  seed: "hero-banner",
};

async function meta(buf: Buffer) {
  const m = await sharp(buf).metadata();
  return { width: m.width, height: m.height, format: m.format };
}

describe("renderCard", () => {
  it.each<[number, number, CardFormat]>([
    [1024, 1024, "png"],
    [1024, 1024, "jpeg"],
    [1024, 1024, "webp"],
    [1376, 768, "png"],
    [3072, 384, "png"],
    [3072, 384, "jpeg"],
    [192, 1536, "webp"],
    [192, 1536, "png"],
  ])("renders %ix%i %s with the exact size and format", async (width, height, format) => {
    const buf = await renderCard({ ...base, width, height, format });
    expect(await meta(buf)).toEqual({ width, height, format });
  });

  it("renders 4096x4096 png", async () => {
    const buf = await renderCard({ ...base, width: 4096, height: 4096, text: PROMPT.repeat(10) });
    expect(await meta(buf)).toEqual({ width: 4096, height: 4096, format: "png" });
  });

  it("copes with tiny sizes, empty strings and an over-long prompt", async () => {
    for (const [width, height] of [
      [1, 1],
      [8, 8],
      [40, 300],
    ]) {
      const buf = await renderCard({ ...base, width, height, title: "", text: "" });
      expect(await meta(buf)).toEqual({ width, height, format: "png" });
    }
    const long = await renderCard({ ...base, width: 512, height: 512, text: "x".repeat(5000) + PROMPT.repeat(40) });
    expect(await meta(long)).toEqual({ width: 512, height: 512, format: "png" });
  });

  it("is deterministic for every format", async () => {
    for (const format of ["png", "jpeg", "webp"] as const) {
      const a = await renderCard({ ...base, format });
      const b = await renderCard({ ...base, format });
      expect(a.equals(b)).toBe(true);
    }
  });

  it("changes with the seed, the text and the title", async () => {
    const a = await renderCard(base);
    expect(a.equals(await renderCard({ ...base, seed: "hero-banner-2" }))).toBe(false);
    expect(a.equals(await renderCard({ ...base, text: `${PROMPT}!` }))).toBe(false);
    expect(a.equals(await renderCard({ ...base, title: "other" }))).toBe(false);
  });

  it("picks the background from the seed and draws black or white text on it", async () => {
    const corner = async (seed: string) => {
      const { data } = await sharp(await renderCard({ ...base, seed, width: 256, height: 256 }))
        .raw()
        .toBuffer({ resolveWithObject: true });
      const at = (y: number, x: number) => [...data.subarray((y * 256 + x) * 3, (y * 256 + x) * 3 + 3)];
      return { bg: at(128, 250), border: at(0, 0) };
    };
    const one = await corner("a");
    const two = await corner("b");
    expect(one.bg).not.toEqual(two.bg);
    for (const c of [one, two])
      expect([
        [0, 0, 0],
        [255, 255, 255],
      ]).toContainEqual(c.border);
  });

  it("rejects bad sizes and formats", async () => {
    await expect(renderCard({ ...base, width: 0 })).rejects.toThrow(RangeError);
    await expect(renderCard({ ...base, height: 10.5 })).rejects.toThrow(RangeError);
    await expect(renderCard({ ...base, format: "gif" as CardFormat })).rejects.toThrow(RangeError);
  });
});

describe("bitmap font", () => {
  it("has a glyph for every printable ASCII character and blanks only for space", () => {
    expect([...glyphRows(32)].every((r) => r === 0)).toBe(true);
    for (let c = 33; c <= 126; c++) expect(glyphRows(c).some((r) => r !== 0)).toBe(true);
    expect(glyphRows(0x263a)).toEqual(glyphRows(63)); // outside the font -> '?'
  });

  it("maps text onto printable ASCII", () => {
    expect(toFontText("a\tb\r\nc")).toBe("a b\nc");
    expect(toFontText("Café ☕ 😀")).toBe("Caf? ? ?");
    expect(toFontText("a · b — “c”…")).toBe('a | b - "c"...');
  });
});
