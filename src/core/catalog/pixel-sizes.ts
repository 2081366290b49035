import type { AspectRatio, ModelFamily, Resolution } from "./models.js";

type Size = readonly [number, number];

const FLASH_25_1K: Partial<Record<AspectRatio, Size>> = {
  "1:1": [1024, 1024],
  "2:3": [832, 1248],
  "3:2": [1248, 832],
  "3:4": [864, 1184],
  "4:3": [1184, 864],
  "4:5": [896, 1152],
  "5:4": [1152, 896],
  "9:16": [768, 1344],
  "16:9": [1344, 768],
  "21:9": [1536, 672],
};

const GEMINI_3_1K: Partial<Record<AspectRatio, Size>> = {
  "1:1": [1024, 1024],
  "2:3": [848, 1264],
  "3:2": [1264, 848],
  "3:4": [896, 1200],
  "4:3": [1200, 896],
  "4:5": [928, 1152],
  "5:4": [1152, 928],
  "9:16": [768, 1376],
  "16:9": [1376, 768],
  "21:9": [1584, 672],
  "1:4": [512, 2048],
  "4:1": [2048, 512],
  "1:8": [384, 3072],
  "8:1": [3072, 384],
};

const FLASH_31_HALF_K: Partial<Record<AspectRatio, Size>> = {
  "1:1": [512, 512],
  "2:3": [424, 632],
  "3:2": [632, 424],
  "3:4": [448, 600],
  "4:3": [600, 448],
  "4:5": [464, 576],
  "5:4": [576, 464],
  "9:16": [384, 688],
  "16:9": [688, 384],
  "1:4": [256, 1024],
  "4:1": [1024, 256],
  "1:8": [192, 1536],
  "8:1": [1536, 192],
};

const SCALE: Record<Resolution, number> = { "0.5K": 1, "1K": 1, "2K": 2, "4K": 4 };

/**
 * The pixel size a model returns for a resolution and ratio (Google's tables), or
 * undefined when the model does not make that combination.
 */
export function pixelSize(model: ModelFamily, resolution: Resolution, ratio: AspectRatio): { width: number; height: number } | undefined {
  let base: Size | undefined;
  if (model === "nano-banana") base = resolution === "1K" ? FLASH_25_1K[ratio] : undefined;
  else if (resolution === "0.5K") base = model === "nano-banana-2" ? FLASH_31_HALF_K[ratio] : undefined;
  else base = GEMINI_3_1K[ratio];
  if (!base) return undefined;
  const s = SCALE[resolution];
  return { width: base[0] * s, height: base[1] * s };
}

/**
 * An image may hold this many times the pixels of its table size (at least the 1K size)
 * before it is refused undecoded: twice the side is already far from anything asked for.
 */
export const OVERSIZE_FACTOR = 4;

/** What an image's header says against the model's pixel table. */
export interface PixelVerdict {
  /** Most pixels a decode may hold (sharp's `limitInputPixels`). */
  maxPixels: number;
  /** Set when the image is far larger than the table: refused before decoding. */
  refuse?: string;
  /** Set when the size merely differs from the table: a warning. */
  differs?: string;
}

/** Judges an image of `width`×`height` (from its header) against what `model` makes at `resolution` and `ratio`. */
export function judgePixels(
  spec: { model: ModelFamily; resolution: Resolution; aspectRatio: AspectRatio },
  width: number,
  height: number,
): PixelVerdict {
  const expected = pixelSize(spec.model, spec.resolution, spec.aspectRatio);
  const side = 1024 * SCALE[spec.resolution];
  const tableArea = expected ? expected.width * expected.height : side * side;
  const maxPixels = OVERSIZE_FACTOR * Math.max(tableArea, 1024 * 1024);
  const what = expected
    ? `${expected.width}×${expected.height} that ${spec.model} makes at ${spec.resolution} ${spec.aspectRatio}`
    : `about ${side}×${side} (${spec.resolution})`;
  if (width * height > maxPixels)
    return {
      maxPixels,
      refuse: `the image is ${width}×${height} (${((width * height) / 1e6).toFixed(1)} megapixels), far larger than the ${what}; refused before decoding`,
    };
  if (expected && (width !== expected.width || height !== expected.height))
    return { maxPixels, differs: `the image is ${width}×${height}, not the ${what}` };
  return { maxPixels };
}
