import { constants, copyFileSync, mkdirSync, renameSync, statSync } from "node:fs";
import path from "node:path";
import type { LockEntry, Lockfile } from "../../core/lock/types.js";
import type { ResolvedAsset } from "../../core/project.js";
import { hashFile } from "../facts.js";
import type { RemoteStore, RestoreSource } from "../remote/types.js";
import { tempPathFor } from "../state/atomic-write.js";
import type { ContentStore } from "../store/content-store.js";
import type { EventSink } from "./events.js";

/**
 * Where an asset's image can come back from at no charge, in order: the output of another
 * lock entry with the same spec hash (a rename, a moved output), the local store, the remote.
 * Every source is checked against a sha256 before its bytes are used.
 */
export class RestoreSources {
  private byHash?: Map<string, LockEntry[]>;
  private listed?: Set<string>;

  constructor(
    private readonly root: string,
    private readonly lock: Lockfile,
    private readonly store: ContentStore,
    private readonly simulated: boolean,
    private readonly remote?: () => Promise<RemoteStore | undefined>,
  ) {}

  /** Whether a remote is configured at all (a plan asks it only then). */
  get hasRemote(): boolean {
    return this.remote !== undefined;
  }

  /** Without I/O beyond a stat or two: whether another lock entry's output or the local store has this spec hash. */
  whereLocal(hash: string): RestoreSource | undefined {
    if (this.sibling(hash)) return "lockfile output";
    return this.inLocalStore(hash) ? "local store" : undefined;
  }

  /** Whether the local store holds this spec hash's image, made the way this build makes them (one listing of the store, then one read per hash asked). */
  inLocalStore(hash: string): boolean {
    this.listed ??= this.store.hashes();
    if (!this.listed.has(hash)) return false;
    const kept = this.store.get(hash);
    return kept !== undefined && Boolean(kept.simulated) === this.simulated;
  }

  /** Without downloading: which source could restore this spec hash (remote: one HEAD). */
  async where(hash: string): Promise<RestoreSource | undefined> {
    const local = this.whereLocal(hash);
    if (local) return local;
    const remote = await this.remote?.();
    if (remote && (await remote.has(hash, this.simulated))) return "remote";
    return undefined;
  }

  /** Writes the asset's output from the first source that has it; its lock entry, or undefined. */
  async restore(asset: ResolvedAsset): Promise<{ entry: LockEntry; from: RestoreSource } | undefined> {
    const dest = path.join(this.root, asset.output);
    const sibling = this.sibling(asset.hash);
    if (sibling && (await copyVerified(path.join(this.root, sibling.output), sibling.sha256, dest)))
      return { entry: { ...sibling, output: asset.output }, from: "lockfile output" };
    const kept = this.store.get(asset.hash);
    if (kept && Boolean(kept.simulated) === this.simulated) {
      const entry = await this.store.restore(asset.hash, dest);
      if (entry) return { entry: { ...entry, output: asset.output }, from: "local store" };
    }
    const remote = await this.remote?.();
    if (!remote) return undefined;
    const entry = await remote.fetch(asset.hash, this.simulated, dest);
    if (!entry) return undefined;
    const restored = { ...entry, output: asset.output };
    try {
      this.store.put(restored, dest);
    } catch {
      // the local copy is a cache; the output and the remote still hold the image
    }
    return { entry: restored, from: "remote" };
  }

  /** A lock entry of this kind with the same spec hash whose output file is present (size checked). */
  private sibling(hash: string): LockEntry | undefined {
    if (!this.byHash) {
      // Indexed once: a plan asks about every asset it would pay for.
      this.byHash = new Map();
      for (const e of Object.values(this.lock.assets)) {
        if (Boolean(e.simulated) !== this.simulated) continue;
        const list = this.byHash.get(e.hash);
        if (list) list.push(e);
        else this.byHash.set(e.hash, [e]);
      }
    }
    for (const e of this.byHash.get(hash) ?? []) {
      try {
        if (statSync(path.join(this.root, e.output)).size === e.bytes) return e;
      } catch {
        // not on disk
      }
    }
    return undefined;
  }
}

export async function copyVerified(src: string, sha256: string, dest: string): Promise<boolean> {
  try {
    if ((await hashFile(src)) !== sha256) return false;
    if (path.resolve(src) === path.resolve(dest)) return true;
    mkdirSync(path.dirname(dest), { recursive: true });
    const tmp = tempPathFor(dest);
    copyFileSync(src, tmp, constants.COPYFILE_FICLONE);
    renameSync(tmp, dest);
    return true;
  } catch {
    return false;
  }
}

/** Pushes collected images to the remote in the background; a failure is a warning, never a failed asset. */
export class RemotePusher {
  private readonly pending: Promise<void>[] = [];
  failed = 0;
  pushed = 0;

  constructor(
    private readonly remote: (() => Promise<RemoteStore | undefined>) | undefined,
    private readonly emit: EventSink,
  ) {}

  push(name: string, entry: LockEntry, file: string): void {
    if (!this.remote) return;
    let location = "the remote";
    this.pending.push(
      this.remote()
        .then((remote) => {
          if (!remote) return;
          location = remote.location;
          return remote.push(entry, file);
        })
        .then(
          () => void this.pushed++,
          (err: unknown) => {
            this.failed++;
            this.emit({
              type: "warning",
              name,
              message: `could not push to ${location} (${(err as Error).message}); the image is kept locally and \`nanobanana push\` uploads it later`,
            });
          },
        ),
    );
  }

  async settled(): Promise<void> {
    await Promise.all(this.pending);
  }
}
