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
