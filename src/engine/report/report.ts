import { existsSync } from "node:fs";
import path from "node:path";
import pLimit from "p-limit";
import { parseLock } from "../../core/lock/parse.js";
import { emptyLock, type LockEntry, type Lockfile } from "../../core/lock/types.js";
import type { Project } from "../../core/project.js";
import { reportRows, type LastOutcome, type SinceInput } from "../../core/report/rows.js";
import { thumbSize } from "../../core/report/thumb-size.js";
import { totalsByModel } from "../../core/report/totals.js";
import type { ReportImage, ReportPage } from "../../core/report/types.js";
import { urlPath } from "../../core/report/escape.js";
import { planProject, stateDir } from "../build/build.js";
import { readLastBuild } from "../state/last-build.js";
import { readLock } from "../state/read-lock.js";
import { ContentStore } from "../store/content-store.js";
import { fileAt, resolveRef } from "./git.js";
import { ThumbnailCache, type ImageSource } from "./thumbnails.js";

export interface ReportOptions {
  /** A git ref: assets whose lock entry changed since then show before and after. */
  since?: string;
  /** The clock (default: now); the page says when it was made. */
  now?: Date;
  /** Set for the live page of `watch --serve`. */
  live?: { token: string };
  /**
   * How a full image is linked from the page: by default a path relative to `pageDir`; the live
   * server passes its own URL scheme.
   */
  imageHref?: (output: string) => string;
  /** The folder the page is written to (for relative links); default `.nanobanana/report`. */
  pageDir?: string;
  /** Lock entries newer than the lockfile on disk (the live page hears of them first). */
  lockOverlay?: Record<string, LockEntry>;
  /** Outcomes newer than `.nanobanana/last-build.json` (the live page hears of them first). */
  lastOverlay?: Record<string, LastOutcome>;
}

/** A page and the thumbnails it uses (sha256 → cached file). */
export interface BuiltPage {
  page: ReportPage;
  thumbs: Map<string, string>;
  made: number;
  cached: number;
}

/** The folder `nanobanana report` writes to by default. */
export function defaultReportDir(project: Project): string {
  return path.join(stateDir(project), "report");
}

/**
 * Gathers the facts the report needs (lockfile, plan, last build, thumbnails, and with
 * `since` the old lockfile and images from git or the store) and makes the page model.
 */
export async function reportPage(project: Project, opts: ReportOptions = {}): Promise<BuiltPage> {
  const state = stateDir(project);
  const lockRel = path.relative(project.root, project.lockfile);
  const onDisk = readLock(project.lockfile, lockRel);
  const lock: Lockfile = opts.lockOverlay ? { ...onDisk, assets: { ...onDisk.assets, ...opts.lockOverlay } } : onDisk;
  const plan = await planProject(project, { lock: onDisk });
  const cache = new ThumbnailCache(state);
  const store = new ContentStore(state);
  const pageDir = opts.pageDir ?? defaultReportDir(project);
  // Outputs are posix paths inside the root: one relative path to the root serves them all.
  const toRoot = path.relative(pageDir, project.root).split(path.sep).join("/");
  const href = opts.imageHref ?? ((output: string) => urlPath(toRoot ? `${toRoot}/${output}` : output));
  const thumbs = new Map<string, string>();
  const limit = pLimit(4);

  /** Thumbnails for a set of lock entries, from the first source that has the bytes. */
  const imagesOf = async (entries: LockEntry[], sources: (e: LockEntry) => ImageSource, link: (e: LockEntry) => string) => {
    const images = new Map<string, ReportImage>();
    const unique = new Map(entries.filter((e) => e.sha256).map((e) => [e.sha256, e]));
    await Promise.all(
      [...unique.values()].map((e) =>
        limit(async () => {
          const file = await cache.thumbnail(e.sha256, sources(e));
          if (!file) return;
          thumbs.set(e.sha256, file);
          images.set(e.sha256, { thumb: `thumbs/${e.sha256}.webp`, href: link(e), ...thumbSize(e.width, e.height) });
        }),
      ),
    );
    return images;
  };
  const fromStore = (e: LockEntry) => (store.get(e.hash)?.sha256 === e.sha256 ? store.imagePath(e.hash) : undefined);
  const images = await imagesOf(
    Object.values(lock.assets),
    (e) => async () => {
      const out = path.join(project.root, e.output);
      return existsSync(out) ? out : fromStore(e);
    },
    (e) => href(e.output),
  );

  let since: SinceInput | undefined;
  if (opts.since) since = await sinceInput(project, opts.since, lockRel, lock, fromStore, imagesOf);

  const rows = reportRows({
    assets: project.assets,
    lock,
    plan,
    images,
    lastBuild: { ...readLastBuild(state), ...opts.lastOverlay },
    since,
  });
  const page: ReportPage = {
    title: `nanobanana: ${path.basename(project.root)}`,
    generatedAt: (opts.now ?? new Date()).toISOString().replace(/\.\d+Z$/, "Z"),
    provider: project.config.provider,
    simulate: project.config.simulate,
    rows,
    totals: totalsByModel(rows),
  };
  if (opts.since) page.since = opts.since;
  if (opts.live) page.live = opts.live;
  return { page, thumbs, made: cache.made, cached: cache.cached };
}

/** The lockfile at `ref` and thumbnails of the old images of every entry that changed since. */
async function sinceInput(
  project: Project,
  ref: string,
  lockRel: string,
  lock: Lockfile,
  fromStore: (e: LockEntry) => string | undefined,
  imagesOf: (
    entries: LockEntry[],
    sources: (e: LockEntry) => ImageSource,
    link: (e: LockEntry) => string,
  ) => Promise<Map<string, ReportImage>>,
): Promise<SinceInput> {
  const commit = await resolveRef(project.root, ref);
  const text = await fileAt(project.root, commit, lockRel.split(path.sep).join("/"));
  const old = text ? parseLock(text.toString("utf8"), `${lockRel} at ${ref}`) : emptyLock();
  const changed = Object.entries(old.assets).filter(([name, e]) => {
    const now = lock.assets[name];
    return !now || now.sha256 !== e.sha256 || now.hash !== e.hash;
  });
  // The old image: the local store keeps every image ever collected; else git has the committed file.
  const images = await imagesOf(
    changed.map(([, e]) => e),
    (e) => async () => fromStore(e) ?? (await fileAt(project.root, commit, e.output)),
    (e) => `thumbs/${e.sha256}.webp`,
  );
  const missing = new Map<string, string>();
  for (const [name, e] of changed)
    if (!images.has(e.sha256)) missing.set(name, `the image of ${ref} is neither in git nor in .nanobanana/store`);
  return { ref, lock: old, images, missing };
}
