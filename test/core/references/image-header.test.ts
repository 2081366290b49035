import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { imageHeader } from "../../../src/core/references/sniff.js";

const picture = (width: number, height: number, channels: 1 | 3 | 4 = 3) => {
  const made = sharp({ create: { width, height, channels: channels === 4 ? 4 : 3, background: { r: 10, g: 200, b: 90, alpha: 0.5 } } });
  return channels === 1 ? made.greyscale() : made;
};

describe("imageHeader", () => {
  it("reads what sharp's metadata reads, for JPEGs and PNGs of every kind the providers send", async () => {
    const images = [
      await picture(1024, 1024).jpeg().toBuffer(),
      await picture(1376, 768).jpeg({ progressive: true }).toBuffer(),
      await picture(31, 7).jpeg({ quality: 40 }).toBuffer(),
      await picture(640, 480)
        .withMetadata({ exif: { IFD0: { Copyright: "x" } } })
        .jpeg()
        .toBuffer(), // an APP1 segment first
      await picture(300, 200, 1).jpeg().toBuffer(),
      await picture(1024, 1024).png().toBuffer(),
      await picture(5, 3, 4).png().toBuffer(),
      await picture(2048, 1152, 1).png({ palette: true }).toBuffer(),
    ];
    for (const data of images) {
      const meta = await sharp(data).metadata();
      expect(imageHeader(data)).toEqual({ format: meta.format, width: meta.width, height: meta.height });
    }
  });

  it("is undefined for what it cannot read: another format, garbage, a header cut short", async () => {
    const jpeg = await picture(64, 64).jpeg().toBuffer();
    const png = await picture(64, 64).png().toBuffer();
    expect(imageHeader(await picture(64, 64).webp().toBuffer())).toBeUndefined();
    expect(imageHeader(Buffer.from("not an image at all"))).toBeUndefined();
    expect(imageHeader(jpeg.subarray(0, 40))).toBeUndefined();
    expect(imageHeader(png.subarray(0, 20))).toBeUndefined();
    expect(imageHeader(Buffer.from([0xff, 0xd8, 0xff, 0xda, 0, 2]))).toBeUndefined(); // scan data before any frame header
  });
});
