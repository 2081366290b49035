/**
 * Image renderer of the local simulator: a card (core/card) encoded with sharp.
 */
import sharp from "sharp";
import type { CardDrawing } from "../core/card/draw-card.js";
import { paint } from "./painter.js";

/** Output encodings supported by {@link renderCard}. */
export type CardFormat = "png" | "jpeg" | "webp";

/** What to draw and how to encode it. */
export interface CardOptions extends CardDrawing {
  /** Encoding of the returned buffer. */
  format: CardFormat;
}

/**
 * Renders a deterministic placeholder image (see drawCard), painted between the simulator's
 * other work (see painter). Identical options always give byte-identical output.
 *
 * @returns the encoded image (`png`, `jpeg` q85 or `webp` q85) of exactly `width` x `height` pixels.
 * @throws RangeError on a non-integer or out-of-range size or an unknown format.
 */
export async function renderCard(opts: CardOptions): Promise<Buffer> {
  const { width, height, format } = opts;
  if (format !== "png" && format !== "jpeg" && format !== "webp") throw new RangeError(`renderCard: unknown format ${String(format)}`);
  const img = sharp(await paint(opts), { raw: { width, height, channels: 3 } });
  if (format === "png") return img.png().toBuffer();
  if (format === "jpeg") return img.jpeg({ quality: 85 }).toBuffer();
  return img.webp({ quality: 85 }).toBuffer();
}
