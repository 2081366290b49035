import { readFileSync } from "node:fs";
import path from "node:path";
import { moduleEntries } from "../../core/codegen/entries.js";
import { renderJsonModule, renderTsModule } from "../../core/codegen/render.js";
import type { Lockfile } from "../../core/lock/types.js";
import type { Project } from "../../core/project.js";
import { writeFileAtomic } from "../state/atomic-write.js";
import { Placeholders } from "./placeholders.js";

/**
 * Writes the asset module (`codegen.out`) from the lock: one entry per built asset. The text
 * depends only on the lock and the manifests, so a rebuild that changes nothing rewrites
 * nothing. Returns the module's project-relative path and whether its bytes changed.
 */
export async function writeAssetModule(
  project: Project,
  lock: Lockfile,
  stateDir: string,
): Promise<{ out: string; changed: boolean } | undefined> {
  const cfg = project.config.codegen;
  if (!cfg) return undefined;
  const configDir = path.dirname(project.configFile);
  const abs = path.resolve(configDir, cfg.out);
  const rel = (p: string) => path.relative(project.root, p).split(path.sep).join("/") || ".";
  const placeholders = new Placeholders(stateDir);
  const built = project.assets.map((a) => lock.assets[a.name]).filter((e) => e !== undefined);
  await placeholders.prepare(project.root, built);
  placeholders.save();
  const entries = moduleEntries(
    project.assets,
    lock.assets,
    { outDir: rel(project.outDir), moduleDir: rel(path.dirname(abs)), base: cfg.base },
    (e) => placeholders.get(e),
  );
  const text = /\.json$/.test(abs) ? renderJsonModule(entries) : renderTsModule(entries);
  let old: string | undefined;
  try {
    old = readFileSync(abs, "utf8");
  } catch {
    old = undefined;
  }
  if (old === text) return { out: rel(abs), changed: false };
  writeFileAtomic(abs, text);
  return { out: rel(abs), changed: true };
}
