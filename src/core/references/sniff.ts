/** Image types a reference may have, told from the bytes (never from the file name). */
export type ReferenceMime = "image/jpeg" | "image/png" | "image/webp";

export const REFERENCE_TYPES: readonly ReferenceMime[] = ["image/jpeg", "image/png", "image/webp"];

/** The image type of `head` (the first 16+ bytes of a file) by its magic number, or undefined. */
export function sniffImageType(head: Uint8Array): ReferenceMime | undefined {
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return "image/jpeg";
  if (
    head.length >= 8 &&
    head[0] === 0x89 &&
    head[1] === 0x50 &&
    head[2] === 0x4e &&
    head[3] === 0x47 &&
    head[4] === 0x0d &&
    head[5] === 0x0a &&
    head[6] === 0x1a &&
    head[7] === 0x0a
  )
    return "image/png";
  if (head.length >= 12 && ascii(head, 0, 4) === "RIFF" && ascii(head, 8, 12) === "WEBP") return "image/webp";
  return undefined;
}

/** `sniffImageType`, plus HEIC/HEIF, which Gemini also takes inline. */
export function sniffInlineImage(head: Uint8Array): string | undefined {
  const known = sniffImageType(head);
  if (known || head.length < 12 || ascii(head, 4, 8) !== "ftyp") return known;
  const brand = ascii(head, 8, 12);
  return brand.startsWith("hei") ? "image/heic" : brand === "mif1" || brand === "msf1" ? "image/heif" : undefined;
}

/** A short name for what the bytes look like, for error messages. */
export function describeBytes(head: Uint8Array): string {
  if (head.length === 0) return "an empty file";
  if (ascii(head, 0, 4) === "GIF8") return "a GIF";
  if (ascii(head, 4, 8) === "ftyp") return "a HEIC/AVIF/MP4 file";
  if (head[0] === 0x3c) return "text (HTML or SVG?)";
  return "not an image";
}

function ascii(b: Uint8Array, from: number, to: number): string {
  return String.fromCharCode(...b.subarray(from, to));
}

/**
 * Format and pixel size from a JPEG's or PNG's header, read from the bytes (what sharp's
 * metadata() says of them, without a trip to its thread pool), or undefined for anything else
 * or anything it cannot read. Nothing here says the rest of the file decodes.
 */
export function imageHeader(data: Uint8Array): { format: "jpeg" | "png"; width: number; height: number } | undefined {
  const type = sniffImageType(data.subarray(0, 16));
  if (type === "image/png") {
    // The IHDR chunk comes first: length, "IHDR", width, height (big-endian).
    if (data.length < 24 || ascii(data, 12, 16) !== "IHDR") return undefined;
    return { format: "png", width: u32(data, 16), height: u32(data, 20) };
  }
  if (type !== "image/jpeg") return undefined;
  let at = 2;
  while (at + 4 <= data.length) {
    if (data[at] !== 0xff) return undefined;
    const marker = data[at + 1];
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      at += 2; // no length
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return undefined; // image data before a frame header
    const length = (data[at + 2] << 8) | data[at + 3];
    if (length < 2) return undefined;
    // SOF0-SOF15 but DHT (C4), JPG (C8) and DAC (CC): precision, height, width.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (at + 9 > data.length) return undefined;
      const height = (data[at + 5] << 8) | data[at + 6];
      const width = (data[at + 7] << 8) | data[at + 8];
      return height && width ? { format: "jpeg", width, height } : undefined;
    }
    at += 2 + length;
  }
  return undefined;
}

function u32(data: Uint8Array, at: number): number {
  return ((data[at] << 24) >>> 0) + (data[at + 1] << 16) + (data[at + 2] << 8) + data[at + 3];
}
