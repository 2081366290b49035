import type { Gates } from "./schema.js";

/** The gates of one asset, every default filled in. */
export interface ResolvedGates {
  pixelSize: boolean;
  format: boolean;
  minStdev: number;
  minBytes?: number;
  maxBytes?: number;
  alpha: boolean;
  minSharpness?: number;
}

/** The gates an asset gets when nothing configures them. */
export const DEFAULT_GATES: ResolvedGates = Object.freeze({ pixelSize: false, format: true, minStdev: 2, alpha: false });

/** The gates of an asset: its own, or DEFAULT_GATES when nothing configures them. */
export function gatesOf(asset: { gates?: ResolvedGates }): ResolvedGates {
  return asset.gates ?? DEFAULT_GATES;
}

/** Fills the defaults; `layers` are merged field by field, the first that sets a field wins. */
export function resolveGates(layers: readonly (Gates | undefined)[], transparent = false): ResolvedGates {
  const set = layers.filter((l): l is Gates => l !== undefined);
  if (set.length === 0 && !transparent) return DEFAULT_GATES;
  const pick = <K extends keyof Gates>(k: K): Gates[K] => set.find((l) => l[k] !== undefined)?.[k];
  const out: ResolvedGates = {
    pixelSize: pick("pixelSize") ?? false,
    format: pick("format") ?? true,
    minStdev: pick("minStdev") ?? 2,
    alpha: pick("alpha") ?? transparent,
  };
  const minBytes = pick("minBytes");
  const maxBytes = pick("maxBytes");
  const minSharpness = pick("minSharpness");
  if (minBytes !== undefined) out.minBytes = minBytes;
  if (maxBytes !== undefined) out.maxBytes = maxBytes;
  if (minSharpness !== undefined) out.minSharpness = minSharpness;
  return out;
}

/** What the engine measured of an image file (sharp, no model). */
export interface ImageMeasures {
  width: number;
  height: number;
  /** The format the file decodes as. */
  format: string;
  bytes: number;
  /** Largest standard deviation of a colour channel, 0-255. */
  stdev: number;
  /** True when the image has an alpha channel with at least one pixel that is not opaque. */
  transparent: boolean;
  /** Only measured when a gate asks for it. */
  sharpness?: number;
}

/** What an image must be: the asked format and, when the model's table knows it, the pixel size. */
export interface GateExpectation {
  format: string;
  size?: { width: number; height: number };
}

/**
 * Why an image fails its gates, one sentence per failed gate; empty when it passes. Pure:
 * the measures come in as data.
 */
export function gateFailures(g: ResolvedGates, m: ImageMeasures, expect: GateExpectation): string[] {
  const out: string[] = [];
  if (g.pixelSize && expect.size && (m.width !== expect.size.width || m.height !== expect.size.height))
    out.push(`pixel size ${m.width}×${m.height}, the model's table says ${expect.size.width}×${expect.size.height}`);
  if (g.format && m.format !== expect.format) out.push(`format ${m.format}, asked for ${expect.format}`);
  if (g.minStdev > 0 && m.stdev < g.minStdev)
    out.push(`blank or single-coloured (colour deviation ${round2(m.stdev)}, gate minStdev ${g.minStdev})`);
  if (g.minBytes !== undefined && m.bytes < g.minBytes) out.push(`${m.bytes} bytes, fewer than minBytes ${g.minBytes}`);
  if (g.maxBytes !== undefined && m.bytes > g.maxBytes) out.push(`${m.bytes} bytes, more than maxBytes ${g.maxBytes}`);
  if (g.alpha && !m.transparent) out.push("no transparent pixels, and transparency was asked for");
  if (g.minSharpness !== undefined && m.sharpness !== undefined && m.sharpness < g.minSharpness)
    out.push(`sharpness ${round2(m.sharpness)}, below minSharpness ${g.minSharpness}`);
  return out;
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
