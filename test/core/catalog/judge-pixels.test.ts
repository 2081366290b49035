import { describe, expect, it } from "vitest";
import { judgePixels, OVERSIZE_FACTOR } from "../../../src/core/catalog/pixel-sizes.js";

describe("judgePixels: an image's header against the model's pixel table", () => {
  const oneK = { model: "nano-banana-2", resolution: "1K", aspectRatio: "1:1" } as const;

  it("the table size passes silently", () => {
    expect(judgePixels(oneK, 1024, 1024)).toEqual({ maxPixels: OVERSIZE_FACTOR * 1024 * 1024 });
  });

  it("a 16000×16000 image for a 1K asset is refused, naming both sizes", () => {
    const v = judgePixels(oneK, 16000, 16000);
    expect(v.refuse).toMatch(
      /16000×16000 \(256\.0 megapixels\), far larger than the 1024×1024 that nano-banana-2 makes at 1K 1:1; refused before decoding/,
    );
  });

  it("a size that merely differs is a warning, not a refusal", () => {
    const v = judgePixels(oneK, 1200, 900);
    expect(v.refuse).toBeUndefined();
    expect(v.differs).toBe("the image is 1200×900, not the 1024×1024 that nano-banana-2 makes at 1K 1:1");
  });

  it("the limit grows with the resolution and never falls below four 1K images' worth", () => {
    const half = judgePixels({ ...oneK, resolution: "0.5K" }, 1024, 1024);
    expect(half.refuse).toBeUndefined();
    expect(half.maxPixels).toBe(4 * 1024 * 1024);
    expect(judgePixels({ ...oneK, resolution: "4K" }, 8192, 8192).refuse).toBeUndefined();
    expect(judgePixels({ ...oneK, resolution: "4K" }, 8193, 8193).refuse).toBeDefined();
  });

  it("a combination the table lacks is judged by its resolution alone", () => {
    const v = judgePixels({ model: "nano-banana", resolution: "2K", aspectRatio: "1:1" }, 2048, 2048);
    expect(v).toEqual({ maxPixels: 4 * 2048 * 2048 });
    expect(judgePixels({ model: "nano-banana", resolution: "2K", aspectRatio: "1:1" }, 5000, 5000).refuse).toMatch(
      /about 2048×2048 \(2K\)/,
    );
  });
});
