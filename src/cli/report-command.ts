import path from "node:path";
import { pathToFileURL } from "node:url";
import { loadProject } from "../engine/load/load.js";
import { writeReport } from "../engine/report/write-report.js";
import type { CliArgs } from "./cli-args.js";
import type { Io } from "./io.js";

/** `nanobanana report [--since REF] [--out DIR]`: writes the HTML contact sheet and says where. */
export async function reportCommand(args: CliArgs, io: Io): Promise<number> {
  const project = loadProject({
    cwd: args.cwd,
    config: args.config,
    overrides: { simulate: args.simulate || undefined },
    // Like build and plan: manifests that did not change since the last run are not expanded again.
    persistCache: true,
  });
  const dir = args.out !== undefined ? path.resolve(args.cwd, args.out) : undefined;
  const r = await writeReport(project, { since: args.since, dir });
  const changed = r.page.rows.filter((row) => row.before).length;
  if (args.json) {
    io.stdout.write(
      `${JSON.stringify({ file: r.file, assets: r.page.rows.length, changed, thumbnailsMade: r.made, thumbnailsCached: r.cached })}\n`,
    );
    return 0;
  }
  io.stdout.write(
    `wrote ${path.relative(args.cwd, r.file) || r.file}: ${r.page.rows.length} assets` +
      (args.since ? `, ${changed} changed since ${args.since}` : "") +
      ` (${r.made} thumbnails made, ${r.cached} cached)\n  open ${pathToFileURL(r.file).href}\n`,
  );
  return 0;
}
