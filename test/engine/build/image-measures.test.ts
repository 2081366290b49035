import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import sharp, { type Sharp } from "sharp";
import { afterAll, describe, expect, it } from "vitest";
import { DEFAULT_GATES, gateFailures, type ImageMeasures } from "../../../src/core/gates/check.js";
import { BadImageError, saveImage } from "../../../src/engine/build/image-file.js";
import type { HttpClient } from "../../../src/engine/transport/client.js";
import { renderCard } from "../../../src/simulator/card.js";

// What saveImage measures for the blank gate (every step-th pixel of each row of the one decode)
// against sharp's stats() over every pixel, and that the decode still reads the whole file.
const dir = mkdtempSync(path.join(tmpdir(), "nb-measures-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const noHttp = {} as HttpClient;
const measure = (data: Buffer, format: "jpeg" | "png" = "jpeg") => saveImage({ data }, path.join(dir, `${++n}.${format}`), format, noHttp);

/** As a build saves: with the default blank gate's threshold, so a JPEG that is clearly no blank skips its full decode. */
const measureGated = (data: Buffer, format: "jpeg" | "png" = "jpeg") =>
  saveImage({ data }, path.join(dir, `${++n}.${format}`), format, noHttp, undefined, {}, undefined, undefined, DEFAULT_GATES.minStdev);

/** Deterministic pixels: `fill(x, y)` gives [r, g, b] (or [r, g, b, a] with `channels: 4`). */
function pixels(width: number, height: number, channels: 3 | 4, fill: (x: number, y: number) => number[]): Sharp {
  const raw = Buffer.alloc(width * height * channels);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) raw.set(fill(x, y), (y * width + x) * channels);
  return sharp(raw, { raw: { width, height, channels } });
}

/** The largest colour-channel deviation over every pixel (the truth the sample estimates). */
async function allPixels(data: Buffer): Promise<number> {
  return Math.max(...(await sharp(data).stats()).channels.slice(0, 3).map((c) => c.stdev));
}

/** A single-coloured 1K JPEG. */
const flatJpeg = () =>
  pixels(1024, 1024, 3, () => [200, 120, 40])
    .jpeg()
    .toBuffer();

/** Near the default threshold (2): a grey field with a faint patch. */
const faintPatch = () => pixels(1376, 768, 3, (x, y) => (x > 600 && x < 800 && y > 300 && y < 500 ? [134, 128, 128] : [128, 128, 128]));

/** The default gates reject `measures` as blank, and for that alone. */
const expectBlank = (measures: ImageMeasures) =>
  expect(gateFailures(DEFAULT_GATES, measures, { format: "jpeg" })).toEqual([expect.stringMatching(/^blank or single-coloured/)]);

let seed = 12345;
const random = () => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31;
};

describe("the blank gate's measure", () => {
  it("is 0 for a single-coloured 1K image, which the default gate rejects", async () => {
    const flat = await flatJpeg();
    const facts = await measure(flat);
    expect(facts.measures.stdev).toBeLessThan(0.5);
    expectBlank(facts.measures);
  });

  it("matches the deviation over every pixel on pictures, noise and a near-flat image, at 1K, 16:9 and 2K", async () => {
    const images = [
      await renderCard({ width: 1024, height: 1024, format: "jpeg", title: "t", text: "Catalog card 17.", seed: "a" }),
      await renderCard({ width: 1376, height: 768, format: "png", title: "t", text: "A wide card", seed: "b" }),
      await renderCard({ width: 2048, height: 2048, format: "jpeg", title: "t", text: "A 2K card", seed: "c" }),
      await pixels(1024, 1024, 3, () => [255 * random(), 255 * random(), 255 * random()])
        .png()
        .toBuffer(),
      await faintPatch().png().toBuffer(),
    ];
    for (const data of images) {
      const truth = await allPixels(data);
      const { stdev } = (await measure(data, (await sharp(data).metadata()).format as "jpeg" | "png")).measures;
      expect(Math.abs(stdev - truth)).toBeLessThanOrEqual(Math.max(0.1, truth * 0.12));
    }
  });

  it("sees stripes one row apart at 1K, where a grid of every other row would see a flat image", async () => {
    const striped = await pixels(1024, 1024, 3, (_x, y) => (y % 2 ? [255, 255, 255] : [0, 0, 0]))
      .png()
      .toBuffer();
    const { measures } = await measure(striped, "png");
    expect(measures.stdev).toBeGreaterThan(100);
    expect(gateFailures(DEFAULT_GATES, measures, { format: "png" })).toEqual([]);
  });

  it("sees one transparent pixel in a corner (images with alpha are read whole)", async () => {
    const png = await pixels(1024, 1024, 4, (x, y) => [10, 200, 10, x === 1023 && y === 1023 ? 254 : 255])
      .png()
      .toBuffer();
    expect((await measure(png, "png")).measures.transparent).toBe(true);
    const opaque = await pixels(1024, 1024, 4, () => [10, 200, 10, 255])
      .png()
      .toBuffer();
    expect((await measure(opaque, "png")).measures.transparent).toBe(false);
  });

  it("converts from the one decode: a JPEG asked as PNG is a PNG on disk, hashed as written", async () => {
    const jpeg = await renderCard({ width: 1024, height: 1024, format: "jpeg", title: "t", text: "convert me", seed: "e" });
    const dest = path.join(dir, "converted.png");
    const facts = await saveImage({ data: jpeg }, dest, "png", noHttp);
    const onDisk = readFileSync(dest);
    expect(facts.convertedFrom).toBe("jpeg");
    expect((await sharp(onDisk).metadata()).format).toBe("png");
    expect(facts.sha256).toBe(createHash("sha256").update(onDisk).digest("hex"));
    expect(facts.bytes).toBe(onDisk.length);
    const truth = await allPixels(jpeg);
    expect(Math.abs(facts.measures.stdev - truth)).toBeLessThanOrEqual(Math.max(0.1, truth * 0.12));
    expect(readdirSync(dir).filter((n) => n.endsWith(".tmp"))).toEqual([]);
  });

  it("with the gate's threshold, a JPEG is judged from its 1/8-scale decode: a lower bound that still tells pictures from blanks", async () => {
    const card = await renderCard({ width: 1024, height: 1024, format: "jpeg", title: "t", text: "Catalog card 18.", seed: "f" });
    const truth = await allPixels(card);
    const { stdev } = (await measureGated(card)).measures;
    expect(stdev).toBeLessThanOrEqual(truth + 0.5);
    expect(stdev).toBeGreaterThan(DEFAULT_GATES.minStdev + 1);
    // Flat and near-flat: the bound is not clearly above the gate, so the full decode measures.
    const flat = await flatJpeg();
    const facts = await measureGated(flat);
    expect(facts.measures.stdev).toBeLessThan(0.5);
    expectBlank(facts.measures);
    const faint = await faintPatch().jpeg().toBuffer();
    const faintTruth = await allPixels(faint);
    expect(Math.abs((await measureGated(faint)).measures.stdev - faintTruth)).toBeLessThanOrEqual(Math.max(0.1, faintTruth * 0.12));
    // Converted in one pipeline: a PNG on disk, hashed as written.
    const dest = path.join(dir, "gated.png");
    const converted = await saveImage({ data: card }, dest, "png", noHttp, undefined, {}, undefined, undefined, 2);
    const onDisk = readFileSync(dest);
    expect((await sharp(onDisk).metadata()).format).toBe("png");
    expect(converted.sha256).toBe(createHash("sha256").update(onDisk).digest("hex"));
    // Cut short, it is still not an image.
    await expect(measureGated(card.subarray(0, card.length - 200))).rejects.toBeInstanceOf(BadImageError);
  });

  it("still decodes the whole file: a JPEG or PNG cut short is not an image", async () => {
    const card = (format: "jpeg" | "png") => renderCard({ width: 1024, height: 1024, format, title: "t", text: "cut", seed: "d" });
    for (const format of ["jpeg", "png"] as const) {
      const whole = await card(format);
      await expect(measure(whole.subarray(0, whole.length - 200), format)).rejects.toBeInstanceOf(BadImageError);
    }
    // Its bytes were being written while they were checked: no temp file is left, no output made.
    expect(readdirSync(dir).filter((n) => n.endsWith(".tmp"))).toEqual([]);
    expect(readdirSync(dir)).not.toContain(`${n}.png`);
  });

  it("bytes already in the asked format are the output as sent, hashed as written", async () => {
    const jpeg = await renderCard({ width: 1024, height: 1024, format: "jpeg", title: "t", text: "as sent", seed: "g" });
    const dest = path.join(dir, "as-sent.jpeg");
    const facts = await saveImage({ data: jpeg }, dest, "jpeg", noHttp, undefined, {}, undefined, undefined, DEFAULT_GATES.minStdev);
    expect(readFileSync(dest).equals(jpeg)).toBe(true);
    expect(facts.convertedFrom).toBeUndefined();
    expect(facts.sha256).toBe(createHash("sha256").update(jpeg).digest("hex"));
    expect(readdirSync(dir).filter((n) => n.endsWith(".tmp"))).toEqual([]);
  });
});
