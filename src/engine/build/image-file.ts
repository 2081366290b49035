import { createHash } from "node:crypto";
import { renameSync, rmSync, mkdirSync, readFileSync } from "node:fs";
import { open } from "node:fs/promises";
import { availableParallelism } from "node:os";
import path from "node:path";
import pLimit from "p-limit";
import type { ImageFormat } from "../../core/catalog/models.js";
import type { ImageMeasures } from "../../core/gates/check.js";
import type { CallHooks, HttpClient } from "../transport/client.js";
import type { ImageOutput } from "../providers/types.js";
import { openMakingFolder, tempPathFor } from "../state/atomic-write.js";
import { whenRequestsSent } from "../transport/requests-sent.js";
import { watchRequestsInFlight } from "../transport/in-flight.js";
import type { PixelVerdict } from "../../core/catalog/pixel-sizes.js";
import { imageHeader, sniffImageType } from "../../core/references/sniff.js";

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
 * Downloads (through the one transport) to a temp file beside `dest`, or takes inline, one
 * image; checks that it decodes as an image of `format` (converting another format), hashes
 * the final bytes, fsyncs the temp file and renames it into place: `dest` is never half-written. With `check`, the size in the header is
 * judged first and a far too large image is refused before anything decodes it. `blankBelow`
 * (the blank gate's minStdev) lets a JPEG that is clearly no blank skip its full decode (see inspect).
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
  blankBelow?: number,
): Promise<ImageFacts> {
  const tmp = tempPathFor(dest);
  try {
    let facts: ImageFacts;
    if (out.data) {
      // Inline bytes are checked (and converted) in memory and written once, fsynced on the
      // same handle. Bytes already in the asked format (most images) are written while they
      // are checked, not after: the write and its fsync leave the path from answer to output.
      const bytes = Buffer.from(out.data.buffer, out.data.byteOffset, out.data.byteLength);
      const early = sniffImageType(bytes.subarray(0, 16)) === `image/${format}` ? writeDurably(tmp, bytes) : undefined;
      // Both settle before either's failure is thrown: the temp file is never removed while a
      // write in flight could bring it back.
      const [inspected, written] = await Promise.allSettled([checkImage(() => inspect(bytes, format, check, blankBelow)), early]);
      if (inspected.status === "rejected") throw inspected.reason;
      if (written.status === "rejected") throw written.reason;
      const checked = inspected.value;
      if (checked.data !== bytes) await writeDurably(tmp, checked.data);
      facts = checked.facts;
    } else if (out.url) {
      mkdirSync(path.dirname(dest), { recursive: true });
      // Through the transport: the retry policy, the idle timeout, the total deadline and the size cap.
      await http.download({ method: "GET", url: out.url, signal, expiring: true, what: "download" }, tmp, hooks);
      const checked = await checkImage(() => inspect(tmp, format, check, blankBelow));
      if (checked.facts.convertedFrom) await writeDurably(tmp, checked.data);
      else await syncFile(tmp);
      facts = checked.facts;
    } else {
      throw new BadImageError("the provider returned an image with neither URL nor data");
    }
    await accept?.(tmp, facts);
    renameSync(tmp, dest);
    return facts;
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/**
 * Writes `data` to `tmp` and fsyncs it before closing, on the thread pool (a synchronous
 * fsync would stall every other asset in flight). The folder is made only when the open
 * finds it missing: it exists for every image but the first.
 */
async function writeDurably(tmp: string, data: Uint8Array): Promise<void> {
  const fh = await openMakingFolder(tmp, "w");
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** fsync of a file written by someone else (a download), on the thread pool. */
async function syncFile(file: string): Promise<void> {
  const fh = await open(file, "r+");
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * Image checks (decode, conversion, hash) at once. Each is CPU-bound native work on the thread
 * pool: while requests are in flight, one core's worth fewer than the machine has, so that the
 * event loop keeps a core to send the next requests and read their answers (more at once
 * finish no sooner; in the bench, they also starved the simulator answering the next wave);
 * once none is in flight (the last answers are in), every core.
 */
const cores = availableParallelism();
const checking = pLimit(Math.max(1, cores - 1));
let watchingRequests = false;

function checkImage<T>(work: () => Promise<T>): Promise<T> {
  if (!watchingRequests) {
    watchingRequests = true;
    watchRequestsInFlight((n) => {
      checking.concurrency = n > 0 ? Math.max(1, cores - 1) : cores;
    });
  }
  return checking(work);
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
 * another format. `source` is the file, or its bytes when they are in memory (an inline
 * image). Returns the facts and the final bytes.
 *
 * The blank check of a JPEG first looks at the image at 1/8 scale, which libjpeg decodes from
 * the whole file (a file cut short still fails) at a fraction of the cost and hands JS 48 KB
 * instead of a 3 MB frame for a 1K image. Each of its pixels is the mean of an 8x8 block, so
 * its deviation is a lower bound of the full image's (the variance of block means never
 * exceeds the variance of the pixels): when that bound is clearly above `blankBelow` (the
 * gate's minStdev), the image is no blank and the full decode is skipped; otherwise the
 * measure is taken on the full decode. A conversion is one libvips pipeline from the source.
 */
async function inspect(
  source: string | Buffer,
  format: ImageFormat,
  check?: SizeCheck,
  blankBelow?: number,
): Promise<{ facts: ImageFacts; data: Buffer }> {
  const sharp = (await import("sharp")).default;
  const unreadable = (err: unknown) =>
    new BadImageError(`the downloaded file is not a readable image (${(err as Error).message.split("\n")[0]})`);
  // The header only: of bytes in memory read here (a thread-pool round trip less per image).
  let meta: { format?: string; width?: number; height?: number } | undefined = typeof source === "string" ? undefined : imageHeader(source);
  try {
    meta ??= await sharp(source).metadata();
  } catch (err) {
    throw unreadable(err);
  }
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  const verdict = check?.(width, height);
  if (verdict?.refuse) throw new OversizeImageError(verdict.refuse);
  const opts = { limitInputPixels: verdict?.maxPixels ?? true };
  let stats: { stdev: number; transparent: boolean } | undefined;
  let convertedFrom: string | undefined;
  let data: Buffer;
  try {
    if (meta.format === "jpeg" && blankBelow !== undefined) {
      const bound = pixelStats(await decodeEighth(sharp, source, opts, width, height));
      if (bound.stdev >= blankBelow + ESTIMATE_MARGIN) stats = bound;
    }
    if (meta.format !== format) {
      convertedFrom = meta.format;
      if (stats) data = await sharp(source, opts).toFormat(format).toBuffer();
      else {
        const pixels = await decodeRaw(sharp, source, opts);
        stats = pixelStats(pixels);
        const { width: w, height: h, channels } = pixels.info;
        data = await sharp(pixels.data, { raw: { width: w, height: h, channels: channels as 1 | 2 | 3 | 4 } })
          .toFormat(format)
          .toBuffer();
      }
    } else {
      stats ??= pixelStats(await decodeRaw(sharp, source, opts));
      data = typeof source === "string" ? readFileSync(source) : source;
    }
  } catch (err) {
    throw unreadable(err);
  }
  const facts: ImageFacts = {
    sha256: createHash("sha256").update(data).digest("hex"),
    bytes: data.length,
    width,
    height,
    format,
    convertedFrom,
    sizeDiffers: verdict?.differs,
    measures: { width, height, format: convertedFrom ? format : (meta.format ?? format), bytes: data.length, ...stats },
  };
  return { facts, data };
}

/** How far above the gate the 1/8-scale bound must be to stand for the image (rounding in the scaled decode). */
const ESTIMATE_MARGIN = 1;

/** A JPEG decoded at 1/8 scale (libjpeg's DCT scaling: every 8x8 block becomes its mean). */
function decodeEighth(
  sharp: typeof import("sharp")["default"],
  source: string | Buffer,
  opts: import("sharp").SharpOptions,
  width: number,
  height: number,
): Promise<RawPixels> {
  return sharp(source, { ...opts, sequentialRead: true })
    .resize(Math.max(1, Math.ceil(width / 8)), Math.max(1, Math.ceil(height / 8)), { fit: "fill" })
    .raw()
    .toBuffer({ resolveWithObject: true });
}

type RawPixels = { data: Buffer; info: { channels: number; width: number; height: number } };

/** Most pixels looked at for the blank check: a sample is enough to tell a flat image from a picture. */
const SAMPLES = 1 << 18;

/**
 * Decodes the whole file (a truncated file can have a valid header) into a raw frame for the
 * blank check, which strides over it (pixelStats). A plain decode: shrinking inside libvips
 * first (to hand JS a smaller buffer) cost about 3x the CPU of the decode itself, and stats()
 * 4-14x; on two cores that CPU is taken from the provider's own answers.
 */
function decodeRaw(
  sharp: typeof import("sharp")["default"],
  source: string | Buffer,
  opts: import("sharp").SharpOptions,
): Promise<RawPixels> {
  return sharp(source, { ...opts, sequentialRead: true })
    .raw()
    .toBuffer({ resolveWithObject: true });
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
