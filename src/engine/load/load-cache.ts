import { readFileSync } from "node:fs";
import type { ResolvedAsset } from "../../core/project.js";
import { writeFileAtomic } from "../state/atomic-write.js";
import { toolStamp } from "./tool-stamp.js";
import { isPacked, packAssets, unpackAssets, type PackedRun } from "./asset-columns.js";

interface Entry {
  key: string;
  assets: ResolvedAsset[];
}

/** An entry on disk: the assets packed into columns (asset-columns.ts). */
interface SavedEntry {
  key: string;
  runs: PackedRun[];
}

/**
 * Expanded assets of each manifest, reused while the manifest's text and the config are the
 * same (watch mode reloads after every save; only the saved manifest is expanded again).
 * Manifests with local reference files are always expanded again, since their files may change.
 *
 * It can also live on disk (`.nanobanana/cache/load.json`), so a no-op build skips parsing,
 * expanding and hashing manifests that did not change. An entry's key is the manifest's full
 * text, the config's full text and the overrides; the file as a whole is tied to this build of
 * nanobanana (the code that expands), so an upgrade or a rebuild of the tool starts it afresh.
 * On disk the assets are packed into columns (asset-columns.ts): 100,000 variants of one
 * matrix take about 20 MB instead of 50 and parse in a fraction of the time.
 */
export class LoadCache {
  private readonly entries = new Map<string, Entry>();
  private changed = false;

  get(file: string, key: string): ResolvedAsset[] | undefined {
    const e = this.entries.get(file);
    return e && e.key === key ? e.assets : undefined;
  }

  set(file: string, key: string, assets: ResolvedAsset[]): void {
    this.changed = true;
    if (assets.some((a) => a.spec.references.some((r) => r.kind === "file"))) this.entries.delete(file);
    else this.entries.set(file, { key, assets });
  }

  /** Keeps only these manifests (a deleted manifest's entry goes with it). */
  retain(files: string[]): void {
    const keep = new Set(files);
    for (const f of this.entries.keys()) {
      if (!keep.has(f)) {
        this.entries.delete(f);
        this.changed = true;
      }
    }
  }

  /** The cache saved at `file`, or an empty one when it is missing, unreadable or from another build of the tool. */
  static read(file: string): LoadCache {
    const cache = new LoadCache();
    try {
      const data = JSON.parse(readFileSync(file, "utf8")) as { tool?: string; entries?: Record<string, SavedEntry> };
      if (data.tool !== toolStamp() || !data.entries || typeof data.entries !== "object") return cache;
      for (const [f, e] of Object.entries(data.entries)) {
        if (e && typeof e.key === "string" && isPacked(e.runs)) cache.entries.set(f, { key: e.key, assets: unpackAssets(e.runs) });
      }
    } catch {
      // Missing or broken: a cache is only ever a shortcut.
    }
    return cache;
  }

  /** Writes the cache when it changed; a failure only costs the next load its shortcut. */
  save(file: string): void {
    if (!this.changed) return;
    try {
      const entries: Record<string, SavedEntry> = {};
      for (const [f, e] of this.entries) entries[f] = { key: e.key, runs: packAssets(e.assets) };
      writeFileAtomic(file, JSON.stringify({ tool: toolStamp(), entries }));
      this.changed = false;
    } catch {
      // Read-only checkout, full disk: the build itself decides what to say about those.
    }
  }
}
