import type { ResolvedAsset } from "../../core/project.js";
import { writeFileAtomic } from "../state/atomic-write.js";
import { toolStamp } from "./tool-stamp.js";
import { headOf, isRunHeads, packAssets, rowsOf, unpackRun, type RunHead } from "./asset-columns.js";
import { fileLines } from "./file-lines.js";

interface Entry {
  key: string;
  assets: ResolvedAsset[];
}

/** An entry in the cache file's first line: what its assets' runs share (asset-columns.ts). */
interface SavedEntry {
  file: string;
  key: string;
  runs: RunHead[];
}

/** Assets per row line of the cache file (a line of 256 variants of a matrix is about 64 KB). */
const ROWS_PER_LINE = 256;

/**
 * Expanded assets of each manifest, reused while the manifest's text and the config are the
 * same (watch mode reloads after every save; only the saved manifest is expanded again).
 * Manifests with local reference files are always expanded again, since their files may change.
 *
 * It can also live on disk (`.nanobanana/cache/load.json`), so a no-op build skips parsing,
 * expanding and hashing manifests that did not change. An entry's key is the manifest's full
 * text, the config's full text and the overrides; the file as a whole is tied to this build of
 * nanobanana (the code that expands), so an upgrade or a rebuild of the tool starts it afresh.
 * On disk the assets are packed into runs (asset-columns.ts): 100,000 variants of one matrix
 * take about 20 MB instead of 50 and parse in a fraction of the time. The file is JSON lines:
 * the first says what each run shares, the others hold the varying values of up to 256 assets
 * each, in order, so a read holds one line at a time and never the whole file as one string.
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
    let lines: Generator<string> | undefined;
    try {
      lines = fileLines(file);
      const first = lines.next();
      if (first.done) return cache;
      const data = JSON.parse(first.value) as { tool?: string; entries?: SavedEntry[] };
      if (data.tool !== toolStamp() || !Array.isArray(data.entries)) return cache;
      const next = () => {
        const line = lines!.next();
        return line.done ? undefined : (JSON.parse(line.value) as unknown[]);
      };
      for (const e of data.entries) {
        if (!e || typeof e.file !== "string" || typeof e.key !== "string" || !isRunHeads(e.runs)) throw new Error("bad entry");
        const assets: ResolvedAsset[] = [];
        for (const run of e.runs) unpackRun(run, next, assets);
        cache.entries.set(e.file, { key: e.key, assets });
      }
    } catch {
      // Missing or broken: a cache is only ever a shortcut.
      cache.entries.clear();
    } finally {
      lines?.return(undefined);
    }
    return cache;
  }

  /**
   * Writes the cache when it changed; a failure only costs the next load its shortcut. No
   * fsync: it runs before a build's first request, and a cache lost or torn by a power cut is
   * read as empty or as an older cache whose keys no longer match (never a stale spec).
   */
  save(file: string): void {
    if (!this.changed) return;
    try {
      writeFileAtomic(file, this.lines(), { flush: "none" });
      this.changed = false;
    } catch {
      // Read-only checkout, full disk: the build itself decides what to say about those.
    }
  }

  /** The file's lines (asset-columns.ts), each with its newline. */
  private *lines(): Generator<string> {
    const packed = [...this.entries].map(([f, e]) => ({ file: f, key: e.key, runs: packAssets(e.assets) }));
    const entries: SavedEntry[] = packed.map((e) => ({ file: e.file, key: e.key, runs: e.runs.map(headOf) }));
    yield `${JSON.stringify({ tool: toolStamp(), entries })}\n`;
    for (const e of packed) {
      for (const run of e.runs) {
        if (run.columns.every(Array.isArray)) continue; // nothing varies: no rows
        for (let i = 0; i < run.n; i += ROWS_PER_LINE) yield `${JSON.stringify(rowsOf(run, i, Math.min(run.n, i + ROWS_PER_LINE)))}\n`;
      }
    }
  }
}
