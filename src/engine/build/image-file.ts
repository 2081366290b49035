import { createHash } from "node:crypto";
import { createWriteStream, renameSync, rmSync, mkdirSync, readFileSync } from "node:fs";
import { open, writeFile } from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import type { ImageFormat } from "../../core/catalog/models.js";
import type { ImageMeasures } from "../../core/gates/check.js";
import type { CallHooks, HttpClient } from "../transport/client.js";
import type { ImageOutput } from "../providers/types.js";
import { tempPathFor } from "../state/atomic-write.js";
import { whenRequestsSent } from "../transport/requests-sent.js";
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
    // Bytes the provider sent inline are checked and hashed from memory: no read of the file just written.
    const facts = await inspect(tmp, format, check, out.data);
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
 * once the build's first burst of requests has been written to the sockets (an event, not a
 * guessed delay), so that it loads while their answers are awaited: it then delays neither a
 * request nor the first images. Called just before the first submit is sent.
 */
export function warmImageCodec(): void {
  if (warming) return;
  warming = true;
  void whenRequestsSent()
    .then(() => import("sharp"))
    .catch(() => {});
}

/**
 * Reads the image's header, judges its size, decodes it; converts it when the provider sent
 * another format. `bytes` are the file's content when already in memory (an inline image).
 */
async function inspect(file: string, format: ImageFormat, check?: SizeCheck, bytes?: Uint8Array): Promise<ImageFacts> {
  const sharp = (await import("sharp")).default;
  const source = bytes ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) : file;
  const unreadable = (err: unknown) =>
    new BadImageError(`the downloaded file is not a readable image (${(err as Error).message.split("\n")[0]})`);
  let meta: { format?: string; width?: number; height?: number; hasAlpha?: boolean };
  let pixels: RawPixels;
  try {
    meta = await sharp(source).metadata(); // the header only
  } catch (err) {
    throw unreadable(err);
  }
  const verdict = check?.(meta.width ?? 0, meta.height ?? 0);
  if (verdict?.refuse) throw new OversizeImageError(verdict.refuse);
  const opts = { limitInputPixels: verdict?.maxPixels ?? true };
  try {
    pixels = await decodeSample(sharp, source, opts, meta);
  } catch (err) {
    throw unreadable(err);
  }
  let convertedFrom: string | undefined;
  let data: Buffer;
  if (meta.format !== format) {
    convertedFrom = meta.format;
    data = await sharp(source, opts).toFormat(format).toBuffer();
    await pipeline([data], createWriteStream(file));
  } else data = typeof source === "string" ? readFileSync(file) : source;
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  return {
    sha256: createHash("sha256").update(data).digest("hex"),
    bytes: data.length,
    width,
    height,
    format,
    convertedFrom,
    sizeDiffers: verdict?.differs,
    measures: { width, height, format: convertedFrom ? format : (meta.format ?? format), bytes: data.length, ...pixelStats(pixels) },
  };
}

type RawPixels = { data: Buffer; info: { channels: number; width: number; height: number } };

/** Most pixels looked at for the blank check: a sample is enough to tell a flat image from a picture. */
const SAMPLES = 1 << 18;

/**
 * Decodes the whole file (a truncated file can have a valid header) and returns the pixels
 * the blank check looks at: the same sample as before, every `step`-th pixel of each row
 * (step = pixels / SAMPLES, rounded down), but taken inside libvips (a nearest-neighbour
 * shrink of the width only; every row is kept, so stripes a row apart are still seen). The
 * buffer handed to JS is then 768 KB for a 1K image instead of a 3 MB raw frame that waited
 * for the GC in native memory (those frames set the peak RSS of a 10,000-image batch
 * collection). stats() would avoid the buffer too but costs 4-14x a raw decode (it was the
 * bottleneck of a 400-asset build). An image with alpha comes back whole: one transparent
 * pixel is what a cut-out is about.
 */
function decodeSample(
  sharp: typeof import("sharp")["default"],
  source: string | Buffer,
  opts: import("sharp").SharpOptions,
  meta: { width?: number; height?: number; hasAlpha?: boolean },
): Promise<RawPixels> {
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  const step = Math.floor((width * height) / SAMPLES);
  const image = sharp(source, opts);
  if (!meta.hasAlpha && step > 1)
    image.resize(Math.ceil(width / step), height, { kernel: "nearest", fit: "fill", fastShrinkOnLoad: false });
  return image.raw().toBuffer({ resolveWithObject: true });
}

/**
 * The largest standard deviation of a colour channel (over a strided sample of pixels), and
 * whether any pixel is not opaque. Plain arithmetic on the raw decode inspect already made.
 */
export function pixelStats({ data, info }: RawPixels): { stdev: number; transparent: boolean } {
  const ch = info.channels;
  const pixels = info.width * info.height;
  const alpha = ch === 2 || ch === 4 ? ch - 1 : -1;
  const stride = Math.max(1, Math.floor(pixels / SAMPLES)) * ch;
  const end = pixels * ch;
  // Sums in locals, one pass per layout: this runs on the event loop for every image, and the
  // generic per-channel loop over arrays took ~3x as long (integer sums: the result is the same).
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let q0 = 0;
  let q1 = 0;
  let q2 = 0;
  let n = 0;
  if (ch >= 3) {
    for (let o = 0; o < end; o += stride) {
      const r = data[o];
      const g = data[o + 1];
      const b = data[o + 2];
      s0 += r;
      q0 += r * r;
      s1 += g;
      q1 += g * g;
      s2 += b;
      q2 += b * b;
      n++;
    }
  } else {
    for (let o = 0; o < end; o += stride) {
      const v = data[o];
      s0 += v;
      q0 += v * v;
      n++;
    }
  }
  let transparent = false;
  if (alpha >= 0) {
    // Every pixel, not a sample: one transparent corner is what a cut-out is about.
    for (let o = alpha; o < data.length; o += ch) {
      if (data[o] < 255) {
        transparent = true;
        break;
      }
    }
  }
  const dev = (s: number, q: number) => Math.sqrt(Math.max(0, q / n - (s / n) ** 2));
  const stdev = ch >= 3 ? Math.max(dev(s0, q0), dev(s1, q1), dev(s2, q2)) : dev(s0, q0);
  return { stdev, transparent };
}
