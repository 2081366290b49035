import { existsSync } from "node:fs";
import path from "node:path";
import { drawCard } from "../../core/card/draw-card.js";
import { pixelSize } from "../../core/catalog/pixel-sizes.js";
import { matchesAny, nameGlob } from "../../core/name-glob.js";
import type { Project, ResolvedAsset } from "../../core/project.js";
import { loadSharp, runPipeline } from "../derive/pipeline.js";
import { stateDir } from "../build/plan-project.js";
import { acquireProjectLock } from "../state/project-lock.js";
import { writeFileAtomic } from "../state/atomic-write.js";

/** One stand-in written by `build --placeholders`. */
export interface PlaceholderFile {
  name: string;
  output: string;
  width: number;
  height: number;
  /** Derived files made from the stand-in too, so srcsets resolve before anything is paid for. */
  derived: string[];
}

export interface PlaceholderResult {
  written: PlaceholderFile[];
  /** Assets that already have an output file (left alone). */
  present: number;
}

/**
 * `build --placeholders`: for every asset with no output file yet, writes a labelled card at
 * the pixel size the model will return (and its derived files), so an app can be laid out
 * before anything is paid for. Local work at $0: nothing is submitted, and the lockfile is
 * never touched, so the first real build sees these assets as new and replaces the files.
 */
export async function writePlaceholders(project: Project, opts: { only?: string[]; wait?: boolean } = {}): Promise<PlaceholderResult> {
  const held = await acquireProjectLock(stateDir(project), { wait: opts.wait, command: "build --placeholders" });
  try {
    const globs = opts.only?.length ? opts.only.map(nameGlob) : undefined;
    const result: PlaceholderResult = { written: [], present: 0 };
    for (const asset of project.assets) {
      if (globs && !matchesAny(asset.name, globs)) continue;
      if (existsSync(path.join(project.root, asset.output))) {
        result.present++;
        continue;
      }
      result.written.push(await writeOne(project.root, asset));
    }
    return result;
  } finally {
    held.release();
  }
}

async function writeOne(root: string, asset: ResolvedAsset): Promise<PlaceholderFile> {
  const sharp = await loadSharp();
  const { model, resolution, aspectRatio, format, prompt } = asset.spec;
  const { width, height } = pixelSize(model, resolution, aspectRatio) ?? { width: 1024, height: 1024 };
  const pixels = drawCard({
    width,
    height,
    format,
    title: `PLACEHOLDER · ${asset.name}`,
    text: `${model} · ${resolution} · ${aspectRatio} · not generated yet. ${prompt}`,
    seed: `placeholder:${asset.name}`,
  });
  const img = sharp(pixels, { raw: { width, height, channels: 3 } });
  const data = await (format === "png" ? img.png() : format === "jpeg" ? img.jpeg({ quality: 85 }) : img.webp({ quality: 85 })).toBuffer();
  writeFileAtomic(path.join(root, asset.output), data, { flush: "none" });
  const derived: string[] = [];
  for (const d of asset.derived ?? []) {
    const out = await runPipeline(sharp, data, d.pipeline);
    writeFileAtomic(path.join(root, d.output), out.data, { flush: "none" });
    derived.push(d.output);
  }
  return { name: asset.name, output: asset.output, width, height, derived };
}
