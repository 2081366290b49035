import sharp, { type OverlayOptions } from "sharp";

/**
 * An edit's image: the card with its reference images inset along the bottom right, so a
 * simulated chain shows what each step was made from. Deterministic.
 */
export async function withReferences(
  card: Buffer,
  width: number,
  height: number,
  format: "png" | "jpeg" | "webp",
  refs: Buffer[],
): Promise<Buffer> {
  const shown = refs.slice(0, 4);
  const side = Math.max(16, Math.round(Math.min(width, height) * 0.3));
  const pad = Math.max(1, Math.round(side * 0.03));
  const gap = pad * 2;
  const thumbs = await Promise.all(
    shown.map((r) =>
      sharp(r)
        .resize({ width: side, height: side, fit: "cover" })
        .extend({ top: pad, bottom: pad, left: pad, right: pad, background: "#ffffff" })
        .png()
        .toBuffer()
        .catch(() => undefined),
    ),
  );
  const composites: OverlayOptions[] = [];
  thumbs.forEach((input, i) => {
    const left = width - (i + 1) * (side + gap) - gap;
    const top = height - side - gap * 2;
    if (input && left >= 0 && top >= 0) composites.push({ input, left, top });
  });
  if (composites.length === 0) return card;
  const img = sharp(card).composite(composites);
  if (format === "png") return img.png().toBuffer();
  if (format === "jpeg") return img.jpeg({ quality: 85 }).toBuffer();
  return img.webp({ quality: 85 }).toBuffer();
}
