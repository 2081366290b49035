import { readFileSync } from "node:fs";
import path from "node:path";
import type { LockEntry } from "../../core/lock/types.js";
import { writeFileAtomic } from "../state/atomic-write.js";
import { loadSharp } from "../derive/pipeline.js";

/** Longest side of the preview: a handful of pixels the browser blurs when it scales them up. */
const SIDE = 16;

/**
 * Tiny blurred previews (data: URLs) of images, by the image's sha256, cached in
 * `.nanobanana/placeholders.json` so that a rebuild makes none it made before.
 */
export class Placeholders {
  private readonly file: string;
  private cache: Record<string, string>;
  private dirty = false;

  constructor(stateDir: string) {
    this.file = path.join(stateDir, "placeholders.json");
    try {
      this.cache = JSON.parse(readFileSync(this.file, "utf8")) as Record<string, string>;
    } catch {
      this.cache = {};
    }
  }

  /** Makes the previews of the entries not cached yet (their image files must be on disk). */
  async prepare(root: string, entries: LockEntry[]): Promise<void> {
    const missing = entries.filter((e) => this.cache[e.sha256] === undefined);
    if (!missing.length) return;
    const sharp = await loadSharp();
    for (const e of missing) {
      try {
        const data = await sharp(path.join(root, e.output))
          .resize(SIDE, SIDE, { fit: "inside" })
          .blur(0.5)
          .webp({ quality: 40 })
          .toBuffer();
        this.cache[e.sha256] = `data:image/webp;base64,${data.toString("base64")}`;
        this.dirty = true;
      } catch {
        // The image is not on disk (yet): no preview for it this time.
      }
    }
  }

  get(entry: LockEntry): string {
    return this.cache[entry.sha256] ?? "";
  }

  save(): void {
    if (this.dirty) writeFileAtomic(this.file, JSON.stringify(this.cache), { flush: "none" });
    this.dirty = false;
  }
}
