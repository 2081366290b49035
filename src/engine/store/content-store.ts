import { constants, copyFileSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { promises as fsp } from "node:fs";
import path from "node:path";
import { unlinkIfThere } from "../fs/unlink-if-there.js";
import { hashFile } from "../facts.js";
import type { LockEntry } from "../../core/lock/types.js";
import { SpecHashSchema, StoredEntrySchema } from "../../core/state-schemas.js";
import { makingFolder, tempPathFor, writeFileAtomic } from "../state/atomic-write.js";
import { namesIn } from "../fs/names-in.js";

/** An image that failed its quality gates, as `store/rejected/` keeps it. */
export interface RejectedRecord {
  /** The lock entry it would have had (task id, cost, size, sha256). */
  entry: LockEntry;
  reasons: string[];
  rejectedAt: string;
}

/**
 * Every image ever collected, by spec hash, in `.nanobanana/store/`: a revert, an undone
 * edit, or a deleted output comes back from here at no cost. Entries are copy-on-write
 * clones of the output where the filesystem can (no extra space), copies otherwise; each has
 * a sidecar with its lock entry. Restores verify the content hash, so an entry changed behind our back
 * is never used.
 */
export class ContentStore {
  readonly dir: string;
  private readonly pending = new Set<Promise<void>>();

  constructor(stateDir: string) {
    this.dir = path.join(stateDir, "store");
  }

  /** Keeps the image at `file` (just written) under its spec hash. */
  put(entry: LockEntry, file: string): void {
    const img = this.imagePath(entry.hash);
    mkdirSync(path.dirname(img), { recursive: true });
    const tmp = tempPathFor(img);
    // A clone or copy, never a hard link: a tool rewriting the output in place would
    // otherwise rewrite the stored image too.
    copyFileSync(file, tmp, constants.COPYFILE_FICLONE);
    renameSync(tmp, img);
    // A cache verified on restore: no fsync (a synchronous one per image stalls big builds).
    writeFileAtomic(this.metaPath(entry.hash), JSON.stringify(entry), { flush: "none" });
  }

  /**
   * `put` off the event loop: the output file and the lockfile already hold the image, so the
   * store copy can follow a moment later (a crash before it only costs the cache entry). Errors
   * reach `onError`; `settled()` waits for every copy started so far.
   */
  putLater(entry: LockEntry, file: string, onError: (err: Error) => void): void {
    const img = this.imagePath(entry.hash);
    const work = (async () => {
      const tmp = tempPathFor(img);
      await makingFolder(tmp, () => fsp.copyFile(file, tmp, constants.COPYFILE_FICLONE));
      await fsp.rename(tmp, img);
      // The sidecar (a few hundred bytes, no fsync) in one step on the event loop: as four
      // steps on the thread pool, each waiting its turn there, the last image's copy was what
      // the end of a build waited for. Written after the image: get() checks the image's size.
      writeFileAtomic(this.metaPath(entry.hash), JSON.stringify(entry), { flush: "none" });
    })().catch((err: Error) => onError(err));
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work));
  }

  /** Waits for every `putLater` started so far. */
  async settled(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
  }

  /** The stored lock entry for a spec hash, if its image is still intact in size. */
  get(hash: string): LockEntry | undefined {
    if (!SpecHashSchema.safeParse(hash).success) return undefined;
    try {
      // A sidecar is checked like a lock entry, and must be the one for this hash.
      const checked = StoredEntrySchema.safeParse(JSON.parse(readFileSync(this.metaPath(hash), "utf8")));
      if (!checked.success || checked.data.hash !== hash) return undefined;
      const entry = checked.data as LockEntry;
      if (statSync(this.imagePath(hash)).size !== entry.bytes) return undefined;
      return entry;
    } catch {
      return undefined;
    }
  }

  /**
   * Copies the stored image to `dest` (atomically) and returns its entry, or undefined when
   * there is none or its content no longer matches.
   */
  async restore(hash: string, dest: string): Promise<LockEntry | undefined> {
    const entry = this.get(hash);
    if (!entry) return undefined;
    const img = this.imagePath(hash);
    if ((await hashFile(img)) !== entry.sha256) return undefined;
    mkdirSync(path.dirname(dest), { recursive: true });
    const tmp = tempPathFor(dest);
    // A copy, not a link: a user editing the output in place must not alter the store.
    copyFileSync(img, tmp, constants.COPYFILE_FICLONE);
    renameSync(tmp, dest);
    return entry;
  }

  /** Every spec hash with an entry, from one listing of the store (cheap next to a read per hash). */
  hashes(): Set<string> {
    return hashesIn(this.dir);
  }

  /**
   * Keeps an image that failed its quality gates, for inspection, under
   * `store/rejected/<hash>.img` with a sidecar (its would-be lock entry, the reasons, when).
   * Never restored as a good image; the record tells later builds the spec was paid for.
   */
  keepRejected(entry: LockEntry, file: string, reasons: string[], at: Date): void {
    const img = this.rejectedPath(entry.hash, "img");
    mkdirSync(path.dirname(img), { recursive: true });
    const tmp = tempPathFor(img);
    copyFileSync(file, tmp, constants.COPYFILE_FICLONE);
    renameSync(tmp, img);
    const record: RejectedRecord = { entry, reasons, rejectedAt: at.toISOString() };
    writeFileAtomic(this.rejectedPath(entry.hash, "json"), JSON.stringify(record), { flush: "none" });
  }

  /** The rejection record of a spec hash, if its image was rejected and not retried since. */
  rejected(hash: string): RejectedRecord | undefined {
    if (!SpecHashSchema.safeParse(hash).success) return undefined;
    try {
      const rec = JSON.parse(readFileSync(this.rejectedPath(hash, "json"), "utf8")) as RejectedRecord;
      const checked = StoredEntrySchema.safeParse(rec?.entry);
      if (!checked.success || checked.data.hash !== hash || !Array.isArray(rec.reasons)) return undefined;
      return { entry: checked.data as LockEntry, reasons: rec.reasons.map(String), rejectedAt: String(rec.rejectedAt) };
    } catch {
      return undefined;
    }
  }

  /** Spec hashes with a rejection record, from one listing (a plan of many new assets reads no file per asset). */
  rejectedHashes(): Set<string> {
    return hashesIn(path.join(this.dir, "rejected"));
  }

  /** Forgets a rejection (a retried spec whose new image passed, or one the user asked to pay for again). */
  clearRejected(hash: string): void {
    // Called for every generated image, where there is almost never a record: one failed unlink each.
    unlinkIfThere(this.rejectedPath(hash, "img"));
    unlinkIfThere(this.rejectedPath(hash, "json"));
  }

  /** Where the rejected image of a spec hash is kept. */
  rejectedPath(hash: string, ext: "img" | "json"): string {
    SpecHashSchema.parse(hash);
    return path.join(this.dir, "rejected", hash.slice(0, 2), `${hash}.${ext}`);
  }

  remove(hash: string): void {
    rmSync(this.imagePath(hash), { force: true });
    rmSync(this.metaPath(hash), { force: true });
  }

  /** Store paths come from spec hashes only: anything else throws rather than name a path outside. */
  imagePath(hash: string): string {
    SpecHashSchema.parse(hash);
    return path.join(this.dir, hash.slice(0, 2), `${hash}.img`);
  }

  private metaPath(hash: string): string {
    SpecHashSchema.parse(hash);
    return path.join(this.dir, hash.slice(0, 2), `${hash}.json`);
  }
}

/** The spec hashes of the `<hash>.json` records in the two-character shards of `dir`. */
function hashesIn(dir: string): Set<string> {
  const out = new Set<string>();
  for (const shard of namesIn(dir))
    for (const f of namesIn(path.join(dir, shard))) {
      const hash = f.slice(0, -5);
      if (f.endsWith(".json") && SpecHashSchema.safeParse(hash).success) out.add(hash);
    }
  return out;
}
