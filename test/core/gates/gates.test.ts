import { describe, expect, it } from "vitest";
import { DEFAULT_GATES, gateFailures, resolveGates, type ImageMeasures } from "../../../src/core/gates/index.js";

const good: ImageMeasures = { width: 1376, height: 768, format: "png", bytes: 50_000, stdev: 40, transparent: false, sharpness: 3 };
const expect16x9 = { format: "png", size: { width: 1376, height: 768 } };

describe("quality gates (pure)", () => {
  it("pass a picture of the asked size and format", () => {
    expect(gateFailures(DEFAULT_GATES, good, expect16x9)).toEqual([]);
    // Pixel size is opt-in: by default a differing size is only a warning of the build.
    expect(gateFailures(DEFAULT_GATES, { ...good, width: 1000 }, expect16x9)).toEqual([]);
  });

  it("name every gate an image fails", () => {
    const bad = { ...good, width: 1024, height: 1024, format: "jpeg", bytes: 10, stdev: 0.4 };
    const g = resolveGates([{ pixelSize: true, minBytes: 100, alpha: true, minSharpness: 5 }]);
    expect(gateFailures(g, bad, expect16x9)).toEqual([
      "pixel size 1024×1024, the model's table says 1376×768",
      "format jpeg, asked for png",
      "blank or single-coloured (colour deviation 0.4, gate minStdev 2)",
      "10 bytes, fewer than minBytes 100",
      "no transparent pixels, and transparency was asked for",
      "sharpness 3, below minSharpness 5",
    ]);
  });

  it("merge layers field by field, the first that sets a field winning; switch checks off", () => {
    const g = resolveGates([{ minStdev: 0 }, { minStdev: 9, maxBytes: 10 }, { pixelSize: false }]);
    expect(g).toEqual({ pixelSize: false, format: true, minStdev: 0, alpha: false, maxBytes: 10 });
    expect(gateFailures(g, { ...good, stdev: 0, width: 5, bytes: 9 }, expect16x9)).toEqual([]);
    expect(resolveGates([undefined, undefined])).toBe(DEFAULT_GATES);
    expect(resolveGates([], true).alpha).toBe(true);
  });
});
