import { existsSync, linkSync, copyFileSync, mkdirSync, renameSync, rmSync } from "node:fs";
import path from "node:path";
import { namesIn } from "../fs/names-in.js";
import { THUMB_MAX } from "../../core/report/thumb-size.js";
import { tempPathFor } from "../state/atomic-write.js";

/**
 * Where an image's bytes come from when its thumbnail is not cached yet: a file, or a function
 * asked only then (so that a cached thumbnail costs no look-up of its source).
 */
export type ImageSource = string | (() => Promise<Buffer | string | undefined>);

/**
 * Thumbnails as WebP, made with sharp and cached by the image's sha256 in
 * `.nanobanana/thumbs/`: an image is shrunk once, however many reports show it.
 */
export class ThumbnailCache {
  readonly dir: string;
  made = 0;
  cached = 0;
  /** The cached thumbnails' sha256s, from one listing (10,000 existsSync calls cost seconds on a busy machine). */
  private listed?: Set<string>;

  constructor(stateDir: string) {
    this.dir = path.join(stateDir, "thumbs");
  }

  file(sha256: string): string {
    return path.join(this.dir, sha256.slice(0, 2), `${sha256}.webp`);
  }

  /** The cached thumbnail of the image with this sha256, made from `source` if needed; undefined if there are no bytes. */
  async thumbnail(sha256: string, source: ImageSource): Promise<string | undefined> {
    const file = this.file(sha256);
    this.listed ??= listWebp(this.dir, true);
    if (this.listed.has(sha256) || existsSync(file)) {
      this.cached++;
      return file;
    }
    const found = typeof source === "string" ? source : await source();
    const input = typeof found === "string" ? (existsSync(found) ? found : undefined) : found;
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

/** The sha256s of the `<sha256>.webp` files in `dir` (in its two-character shards with `sharded`). */
function listWebp(dir: string, sharded: boolean): Set<string> {
  const out = new Set<string>();
  for (const name of namesIn(dir)) {
    if (sharded) {
      if (name.length === 2) for (const sha of listWebp(path.join(dir, name), false)) out.add(sha);
    } else if (name.endsWith(".webp") && name.length === 69) out.add(name.slice(0, 64));
  }
  return out;
}

/**
 * Puts each thumbnail (sha256 → cached file) into `dir` as `<sha256>.webp`: a hard link where
 * possible (thumbnails never change); ones already there are kept, from one listing of `dir`.
 */
export function placeThumbnails(thumbs: Map<string, string>, dir: string): void {
  const present = listWebp(dir, false);
  let made = false;
  for (const [sha, file] of thumbs) {
    if (present.has(sha)) continue;
    if (!made) mkdirSync(dir, { recursive: true });
    made = true;
    const dest = path.join(dir, `${sha}.webp`);
    try {
      linkSync(file, dest);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") copyFileSync(file, dest);
    }
  }
}
