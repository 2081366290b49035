import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { sha256 } from "../../core/hash.js";
import { writeFileAtomic } from "../state/atomic-write.js";
import type { NormalizeOptions } from "../../core/references/schema.js";
import { sniffImageType, type ReferenceMime } from "../../core/references/sniff.js";

/** Bytes ready to send. */
export interface PreparedImage {
  data: Buffer;
  mimeType: ReferenceMime;
  sha256: string;
}

/**
 * A local reference file as it is sent: as is, or resized/stripped by `normalize`. Normalized
 * results are cached in `.nanobanana/normalized/` by input hash and settings, so rebuilds are fast.
 */
export async function prepareFile(abs: string, normalize: NormalizeOptions | undefined, stateDir: string): Promise<PreparedImage> {
  const input = readFileSync(abs);
  const mime = sniffImageType(input.subarray(0, 16));
  if (!mime) throw new Error(`${abs} is no longer a jpeg, png or webp image`);
  if (!normalize || (!normalize.maxSide && !normalize.stripMetadata)) return { data: input, mimeType: mime, sha256: sha256(input) };
  const key = sha256(JSON.stringify([sha256(input), normalize.maxSide ?? 0, Boolean(normalize.stripMetadata)]));
  const cached = path.join(stateDir, "normalized", `${key}.img`);
  if (existsSync(cached)) {
    const data = readFileSync(cached);
    return { data, mimeType: sniffImageType(data.subarray(0, 16)) ?? mime, sha256: sha256(data) };
  }
  const sharp = (await import("sharp")).default;
  let img = sharp(input, { failOn: "error" }).rotate(); // apply EXIF orientation before it is dropped
  if (normalize.maxSide) img = img.resize({ width: normalize.maxSide, height: normalize.maxSide, fit: "inside", withoutEnlargement: true });
  if (!normalize.stripMetadata) img = img.keepMetadata();
  const data = await img.toBuffer();
  writeFileAtomic(cached, data);
  return { data, mimeType: mime, sha256: sha256(data) };
}
