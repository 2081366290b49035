import { createHash } from "node:crypto";
import type { DeriveEntry, DerivedFormat } from "./schema.js";

/** Bumped when the meaning of a pipeline changes, so that every derived file is made again once. */
export const DERIVE_FORMAT_VERSION = 1;

/**
 * A derive entry with every default filled in: what the engine runs and what is hashed.
 * Steps run in this order: trim, crop, resize, pad, encode.
 */
export interface DerivePipeline {
  trim: boolean;
  /** Aspect ratio as [w, h], or null. */
  crop: [number, number] | null;
  focus: "attention" | "centre";
  width: number | null;
  height: number | null;
  fit: "cover" | "contain" | "inside";
  pad: number;
  /** #rrggbbaa. */
  padColor: string;
  format: DerivedFormat;
  quality: number | null;
  /** A grid cell [row, col, rows, cols], cut first (grid: sheets); absent for derive entries. */
  cell?: [number, number, number, number];
}

/** Fills an entry's defaults; `sourceFormat` is the generated image's format. */
export function normalizePipeline(entry: DeriveEntry, sourceFormat: DerivedFormat): DerivePipeline {
  const format = entry.format ?? sourceFormat;
  const crop = entry.crop ? (entry.crop.split(":").map(Number) as [number, number]) : null;
  const both = entry.width !== undefined && entry.height !== undefined;
  return {
    trim: entry.trim ?? false,
    crop,
    focus: entry.focus ?? "centre",
    width: entry.width ?? null,
    height: entry.height ?? null,
    fit: entry.fit ?? (both ? "cover" : "inside"),
    pad: entry.pad ?? 0,
    padColor: colour(entry.padColor, format),
    format,
    quality: entry.quality ?? null,
  };
}

function colour(c: string | undefined, format: DerivedFormat): string {
  if (c === undefined) return format === "jpeg" ? "#ffffffff" : "#00000000";
  if (c === "transparent") return "#00000000";
  return (c.length === 7 ? `${c}ff` : c).toLowerCase();
}

/**
 * The derived file's hash: the source image's content and the pipeline, nothing else (not the
 * asset name, not the file name). Equal hash, equal bytes: the file need not be made again.
 */
export function deriveHash(sourceSha256: string, pipeline: DerivePipeline): string {
  const p = pipeline;
  const hashed = [
    DERIVE_FORMAT_VERSION,
    sourceSha256,
    p.trim,
    p.crop,
    p.focus,
    p.width,
    p.height,
    p.fit,
    p.pad,
    p.padColor,
    p.format,
    p.quality,
    // Only when set: derive entries keep the hashes they had before cells existed.
    ...(p.cell ? [p.cell] : []),
  ];
  return createHash("sha256").update(JSON.stringify(hashed)).digest("hex");
}
