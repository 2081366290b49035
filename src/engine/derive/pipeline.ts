import type { Sharp } from "sharp";
import type { DerivePipeline } from "../../core/derive/pipeline.js";

type SharpFactory = typeof import("sharp").default;

/** sharp, loaded the first time a derived file is made (a build with nothing to derive never loads it). */
export async function loadSharp(): Promise<SharpFactory> {
  return (await import("sharp")).default;
}

/** Runs one pipeline on the source image's bytes: trim, crop, resize, pad, encode. */
export async function runPipeline(
  sharp: SharpFactory,
  source: Buffer,
  p: DerivePipeline,
): Promise<{ data: Buffer; width: number; height: number; format: string }> {
  let buf = source;
  if (p.cell) buf = await cutCell(sharp, buf, p.cell);
  // Each geometric step is materialised: sharp applies trim/extract/resize in its own fixed order otherwise.
  if (p.trim) buf = await sharp(buf).trim().png().toBuffer();
  if (p.crop) buf = await cropToRatio(sharp, buf, p.crop, p.focus);
  let img: Sharp = sharp(buf);
  const background = rgba(p.padColor);
  if (p.width !== null || p.height !== null) {
    img = img.resize({
      width: p.width ?? undefined,
      height: p.height ?? undefined,
      fit: p.fit,
      background,
      withoutEnlargement: p.fit === "inside",
    });
  }
  if (p.pad > 0) {
    img = sharp(await img.png().toBuffer()).extend({ top: p.pad, bottom: p.pad, left: p.pad, right: p.pad, background });
  }
  if (p.format === "jpeg") img = img.flatten({ background: { r: background.r, g: background.g, b: background.b } });
  const q = p.quality ?? undefined;
  const encoded =
    p.format === "png"
      ? img.png()
      : p.format === "jpeg"
        ? img.jpeg({ quality: q })
        : p.format === "webp"
          ? img.webp({ quality: q })
          : img.avif({ quality: q });
  const { data, info } = await encoded.toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, format: p.format };
}

/** Cell [row, col] of a rows × cols sheet, by the image's actual size (the last row and column take the remainder). */
async function cutCell(sharp: SharpFactory, buf: Buffer, [row, col, rows, cols]: [number, number, number, number]): Promise<Buffer> {
  const meta = await sharp(buf).metadata();
  const W = meta.width ?? 0;
  const H = meta.height ?? 0;
  const w = Math.floor(W / cols);
  const h = Math.floor(H / rows);
  const left = col * w;
  const top = row * h;
  return sharp(buf)
    .extract({ left, top, width: col === cols - 1 ? W - left : w, height: row === rows - 1 ? H - top : h })
    .png()
    .toBuffer();
}

/** The largest region of ratio w:h, centred or where sharp's attention strategy looks. */
async function cropToRatio(sharp: SharpFactory, buf: Buffer, [rw, rh]: [number, number], focus: "attention" | "centre"): Promise<Buffer> {
  const meta = await sharp(buf).metadata();
  const W = meta.width ?? 0;
  const H = meta.height ?? 0;
  let w = W;
  let h = Math.round((W * rh) / rw);
  if (h > H) {
    h = H;
    w = Math.round((H * rw) / rh);
  }
  if (w === W && h === H) return buf;
  return sharp(buf)
    .resize({ width: w, height: h, fit: "cover", position: focus === "attention" ? sharp.strategy.attention : "centre" })
    .png()
    .toBuffer();
}

function rgba(hex: string): { r: number; g: number; b: number; alpha: number } {
  const n = (i: number) => Number.parseInt(hex.slice(i, i + 2), 16);
  return { r: n(1), g: n(3), b: n(5), alpha: n(7) / 255 };
}
