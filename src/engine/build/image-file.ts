import { createHash } from "node:crypto";
import { createWriteStream, renameSync, rmSync, mkdirSync, statSync, readFileSync } from "node:fs";
import { open, writeFile } from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import type { ImageFormat } from "../../core/catalog/models.js";
import type { ImageMeasures } from "../../core/gates/check.js";
import type { CallHooks, HttpClient } from "../transport/client.js";
import type { ImageOutput } from "../providers/types.js";
import { tempPathFor } from "../state/atomic-write.js";
import type { PixelVerdict } from "../../core/catalog/pixel-sizes.js";

/** Facts about an image file on disk, as recorded in the lockfile. */
export interface ImageFacts {
  sha256: string;
  bytes: number;
  width: number;
  height: number;
  format: ImageFormat;
  /** Set when the provider sent another format and the image was converted. */
  convertedFrom?: string;
  /** Set when the size differs from the model's pixel table (worth a warning). */
  sizeDiffers?: string;
  /** What the quality gates look at (measured on the decode every image gets anyway). */
  measures: ImageMeasures;
}

/** Judges an image's size from its header, before it is decoded (see core judgePixels). */
export type SizeCheck = (width: number, height: number) => PixelVerdict;

/**
 * Runs on the checked temp file before it is renamed into place; throwing keeps the image out
 * of `dest` (the quality gates: a rejected image never replaces the previous output).
 */
export type AcceptImage = (tmp: string, facts: ImageFacts) => Promise<void>;

/** The bytes were not a usable image: worth fetching again, not regenerating. */
export class BadImageError extends Error {
  override name = "BadImageError";
}

/** The image is far larger than the model makes: refused undecoded (fetching it again would not help). */
export class OversizeImageError extends Error {
  override name = "OversizeImageError";
}

/**
 * Downloads (through the one transport) or takes inline one image, streams it to a temp file beside `dest` while
 * hashing, checks that it decodes as an image of `format` (converting another format), and
 * renames it into place: `dest` is never half-written. With `check`, the size in the header is
 * judged first and a far too large image is refused before anything decodes it.
 */
export async function saveImage(
  out: ImageOutput,
  dest: string,
  format: ImageFormat,
  http: HttpClient,
  signal?: AbortSignal,
  hooks: CallHooks = {},
  check?: SizeCheck,
  accept?: AcceptImage,
): Promise<ImageFacts> {
  mkdirSync(path.dirname(dest), { recursive: true });
  const tmp = tempPathFor(dest);
  try {
    if (out.data) {
      await writeFile(tmp, out.data);
    } else if (out.url) {
      // Through the transport: the retry policy, the idle timeout, the total deadline and the size cap.
      await http.download({ method: "GET", url: out.url, signal, expiring: true, what: "download" }, tmp, hooks);
    } else {
      throw new BadImageError("the provider returned an image with neither URL nor data");
    }
    const facts = await inspect(tmp, format, check);
    await accept?.(tmp, facts);
    // fsync on the thread pool: a synchronous one would stall every other asset in flight.
    const fh = await open(tmp, "r+");
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
    renameSync(tmp, dest);
    return facts;
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

let warming = false;

/**
 * Starts loading the image codec (sharp: a native library, ~100-500 ms of synchronous load)
 * shortly after the build's first request has left, so that it loads while the answers are
 * awaited instead of when the first images arrive. The short delay lets the first requests
 * reach their sockets first; the load is the same work either way.
 */
export function warmImageCodec(): void {
  if (warming) return;
  warming = true;
  setTimeout(() => void import("sharp").catch(() => {}), 20).unref();
}

/** Reads the file's header, judges its size, decodes it; converts it when the provider sent another format. */
async function inspect(file: string, format: ImageFormat, check?: SizeCheck): Promise<ImageFacts> {
  const sharp = (await import("sharp")).default;
  const unreadable = (err: unknown) =>
    new BadImageError(`the downloaded file is not a readable image (${(err as Error).message.split("\n")[0]})`);
  let meta: { format?: string; width?: number; height?: number; hasAlpha?: boolean };
  let pixels: RawPixels;
  try {
    meta = await sharp(file).metadata(); // the header only
  } catch (err) {
    throw unreadable(err);
  }
  const verdict = check?.(meta.width ?? 0, meta.height ?? 0);
  if (verdict?.refuse) throw new OversizeImageError(verdict.refuse);
  const opts = { limitInputPixels: verdict?.maxPixels ?? true };
  try {
    pixels = await decodeSample(sharp, file, opts, meta);
  } catch (err) {
    throw unreadable(err);
  }
  let convertedFrom: string | undefined;
  if (meta.format !== format) {
    convertedFrom = meta.format;
    const converted = await sharp(file, opts).toFormat(format).toBuffer();
    await pipeline([converted], createWriteStream(file));
  }
  const data = readFileSync(file);
  const bytes = statSync(file).size;
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  return {
    sha256: createHash("sha256").update(data).digest("hex"),
    bytes,
    width,
    height,
    format,
    convertedFrom,
    sizeDiffers: verdict?.differs,
    measures: { width, height, format: convertedFrom ? format : (meta.format ?? format), bytes, ...pixelStats(pixels) },
  };
}

type RawPixels = { data: Buffer; info: { channels: number; width: number; height: number } };

/** Most pixels looked at for the blank check: a sample is enough to tell a flat image from a picture. */
const SAMPLES = 1 << 18;

/**
 * Decodes the whole file (a truncated file can have a valid header) and returns the pixels
 * the blank check looks at. Without alpha, a grid of every k-th pixel of every k-th row
 * (libvips' nearest-neighbour subsample, at most SAMPLES pixels) comes back: the decode still
 * reads every row, but the buffer handed to JS is 768 KB for a 1K image instead of a 3 MB raw
 * frame that waits for the GC in native memory (those frames set the peak RSS of a
 * 10,000-image batch collection). The sample's deviation is within a few percent of stats()
 * over every pixel (test/engine/build/image-measures.test.ts), and stats() costs 4-14x a raw
 * decode (it was the bottleneck of a 400-asset build). An image with alpha comes back whole:
 * one transparent pixel is what a cut-out is about.
 */
function decodeSample(
  sharp: typeof import("sharp")["default"],
  file: string,
  opts: import("sharp").SharpOptions,
  meta: { width?: number; height?: number; hasAlpha?: boolean },
): Promise<RawPixels> {
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  const k = Math.ceil(Math.sqrt((width * height) / SAMPLES));
  const image = sharp(file, opts);
  if (!meta.hasAlpha && k > 1)
    image.resize(Math.ceil(width / k), Math.ceil(height / k), { kernel: "nearest", fit: "fill", fastShrinkOnLoad: false });
  return image.raw().toBuffer({ resolveWithObject: true });
}

/**
 * The largest standard deviation of a colour channel (over a strided sample of pixels), and
 * whether any pixel is not opaque. Plain arithmetic on the raw decode inspect already made.
 */
export function pixelStats({ data, info }: RawPixels): { stdev: number; transparent: boolean } {
  const ch = info.channels;
  const pixels = info.width * info.height;
  const colours = ch >= 3 ? 3 : 1;
  const alpha = ch === 2 || ch === 4 ? ch - 1 : -1;
  const step = Math.max(1, Math.floor(pixels / SAMPLES));
  const sum = [0, 0, 0];
  const sq = [0, 0, 0];
  let n = 0;
  let transparent = false;
  for (let p = 0; p < pixels; p += step) {
    const o = p * ch;
    for (let c = 0; c < colours; c++) {
      const v = data[o + c];
      sum[c] += v;
      sq[c] += v * v;
    }
    n++;
  }
  if (alpha >= 0) {
    // Every pixel, not a sample: one transparent corner is what a cut-out is about.
    for (let o = alpha; o < data.length; o += ch) {
      if (data[o] < 255) {
        transparent = true;
        break;
      }
    }
  }
  let stdev = 0;
  for (let c = 0; c < colours; c++) stdev = Math.max(stdev, Math.sqrt(Math.max(0, sq[c] / n - (sum[c] / n) ** 2)));
  return { stdev, transparent };
}
