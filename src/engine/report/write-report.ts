import path from "node:path";
import type { Project } from "../../core/project.js";
import { renderReport } from "../../core/report/render-page.js";
import { writeFileAtomic } from "../state/atomic-write.js";
import { defaultReportDir, reportPage, type ReportOptions } from "./report.js";
import { placeThumbnails } from "./thumbnails.js";
import type { ReportPage } from "../../core/report/types.js";

export interface WrittenReport {
  /** Absolute path of index.html. */
  file: string;
  page: ReportPage;
  /** Thumbnails made now, and found in the cache. */
  made: number;
  cached: number;
}

/**
 * Writes the static report: `<dir>/index.html` and its thumbnails in `<dir>/thumbs/` (hard
 * links into the cache). The folder works offline and can be uploaded as a CI artifact; full
 * images link to the project's outputs by relative path.
 */
export async function writeReport(
  project: Project,
  opts: Omit<ReportOptions, "live" | "pageDir"> & { dir?: string } = {},
): Promise<WrittenReport> {
  const dir = path.resolve(project.root, opts.dir ?? defaultReportDir(project));
  const built = await reportPage(project, { ...opts, pageDir: dir });
  placeThumbnails(built.thumbs, path.join(dir, "thumbs"));
  const file = path.join(dir, "index.html");
  writeFileAtomic(file, renderReport(built.page), { flush: "none" });
  return { file, page: built.page, made: built.made, cached: built.cached };
}
