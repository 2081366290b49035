import { existsSync, linkSync, copyFileSync, mkdirSync, renameSync, rmSync } from "node:fs";
import path from "node:path";
import { THUMB_MAX } from "../../core/report/thumb-size.js";
import { tempPathFor } from "../state/atomic-write.js";

/** Where an image's bytes come from when its thumbnail is not cached yet. */
export type ImageSource = string | (() => Promise<Buffer | undefined>);

/**
 * Thumbnails as WebP, made with sharp and cached by the image's sha256 in
 * `.nanobanana/thumbs/`: an image is shrunk once, however many reports show it.
 */
export class ThumbnailCache {
  readonly dir: string;
  made = 0;
  cached = 0;

  constructor(stateDir: string) {
    this.dir = path.join(stateDir, "thumbs");
  }

  file(sha256: string): string {
    return path.join(this.dir, sha256.slice(0, 2), `${sha256}.webp`);
  }

  /** The cached thumbnail of the image with this sha256, made from `source` if needed; undefined if there are no bytes. */
  async thumbnail(sha256: string, source: ImageSource): Promise<string | undefined> {
    const file = this.file(sha256);
    if (existsSync(file)) {
      this.cached++;
      return file;
    }
    const input = typeof source === "string" ? (existsSync(source) ? source : undefined) : await source();
    if (!input) return undefined;
    const { default: sharp } = await import("sharp");
    mkdirSync(path.dirname(file), { recursive: true });
    const tmp = tempPathFor(file);
    try {
      await sharp(input).resize(THUMB_MAX, THUMB_MAX, { fit: "inside", withoutEnlargement: true }).webp({ quality: 72 }).toFile(tmp);
      renameSync(tmp, file);
    } catch {
      rmSync(tmp, { force: true });
      return undefined; // not an image we can read: the page says "no image"
    }
    this.made++;
    return file;
  }
}

/** Puts `file` at `dest` (a hard link where possible: thumbnails never change); keeps an existing one. */
export function placeFile(file: string, dest: string): void {
  if (existsSync(dest)) return;
  mkdirSync(path.dirname(dest), { recursive: true });
  try {
    linkSync(file, dest);
  } catch {
    copyFileSync(file, dest);
  }
}
