import type { Settings } from "../config/settings-schema.js";
import type { FieldPath } from "../errors/yaml-source.js";
import { resolveDerived } from "../derive/resolve.js";
import type { DeriveEntry } from "../derive/schema.js";
import { DESCRIBE_MODELS } from "../catalog/describe.js";
import { DEFAULT_GATES, resolveGates, type ResolvedGates } from "../gates/check.js";
import type { ResolvedAsset } from "../project.js";
import { compileTemplate, renderTemplate, type CompiledTemplate } from "./template.js";
import type { AssetInput } from "./schema.js";

/**
 * The per-asset fields that do not change the generated image (derived files, alt text):
 * taken from the asset, else the manifest's defaults, else the brand, else the config's defaults.
 */
export interface AssetExtras {
  derive?: { entries: DeriveEntry[]; path: FieldPath };
  alt?: { auto: true; path: FieldPath } | { template: CompiledTemplate; path: FieldPath };
  /** Merged field by field over the layers; absent when nothing configures gates. */
  gates?: ResolvedGates;
  /** `candidates: N` with N > 1. */
  candidates?: { n: number; path: FieldPath };
  /** `background: transparent`: a cut-out made from two paid sources (see core/matte). */
  transparent?: { path: FieldPath };
}

type Layer = Pick<Settings, "derive" | "alt" | "gates" | "candidates" | "background"> | undefined;

export function extrasOf(
  asset: AssetInput,
  at: (field: string) => FieldPath,
  layers: { manifest: Layer; brand: Layer; config: Layer },
): AssetExtras {
  const pick = <K extends "derive" | "alt" | "candidates" | "background">(
    k: K,
  ): { value: NonNullable<Settings[K]>; path: FieldPath } | undefined => {
    if (asset[k] !== undefined) return { value: asset[k] as NonNullable<Settings[K]>, path: at(k) };
    if (layers.manifest?.[k] !== undefined) return { value: layers.manifest[k] as NonNullable<Settings[K]>, path: ["defaults", k] };
    for (const l of [layers.brand, layers.config])
      if (l?.[k] !== undefined) return { value: l[k] as NonNullable<Settings[K]>, path: at(k) };
    return undefined;
  };
  const out: AssetExtras = {};
  const derive = pick("derive");
  if (derive?.value.length) out.derive = { entries: derive.value, path: derive.path };
  const alt = pick("alt");
  if (alt) out.alt = alt.value === "auto" ? { auto: true, path: alt.path } : { template: compileTemplate(alt.value), path: alt.path };
  const background = pick("background");
  if (background?.value === "transparent") out.transparent = { path: background.path };
  // A cut-out is checked for alpha unless a gate says otherwise.
  const gates = resolveGates([asset.gates, layers.manifest?.gates, layers.brand?.gates, layers.config?.gates], Boolean(out.transparent));
  if (gates !== DEFAULT_GATES) out.gates = gates;
  const candidates = pick("candidates");
  if (candidates && candidates.value > 1) out.candidates = { n: candidates.value, path: candidates.path };
  return out;
}

/** Adds derived files and alt text to a resolved variant; problems are reported, not thrown. */
export function applyExtras(
  resolved: ResolvedAsset,
  extras: AssetExtras,
  vars: Record<string, unknown>,
  report: (p: FieldPath, message: string) => void,
): boolean {
  if (extras.derive) {
    const { derived, problems } = resolveDerived(extras.derive.entries, resolved.output, resolved.spec.format);
    for (const p of problems) report([...extras.derive.path, p.index], p.message);
    if (problems.length) return false;
    resolved.derived = derived;
  }
  if (extras.alt && "auto" in extras.alt) {
    const provider = resolved.spec.provider;
    if (!DESCRIBE_MODELS[provider]) {
      const able = Object.keys(DESCRIBE_MODELS).join(", ");
      report(
        extras.alt.path,
        `alt: auto needs a text model to describe the image, and ${provider} has none (${able} has); write the alt text, {{vars}} allowed`,
      );
      return false;
    }
    resolved.alt = { auto: true };
  } else if (extras.alt) resolved.alt = { text: renderTemplate(extras.alt.template, vars).trim() };
  if (extras.gates) resolved.gates = extras.gates;
  return true;
}
