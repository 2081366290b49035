import path from "node:path";
import type { ProviderProfile } from "../catalog/provider-profile.js";
import type { ImageFormat } from "../catalog/models.js";
import { specHash } from "../hash.js";
import type { ResolvedAsset } from "../project.js";
import type { AssetSpec, SpecSettings } from "../spec.js";

/** Added to the prompt of the white source: the subject alone on white. */
export const WHITE_BACKDROP =
  "Show the subject alone on a pure white background (#FFFFFF): evenly lit, no shadow, no floor, no frame, nothing else in the picture.";

/** The edit instruction of the black source (its one reference is the white source). */
export const BLACK_EDIT =
  "Replace the white background of this image with a pure black background (#000000). Keep the subject exactly as it is: same position, size, shape, colours, edges and lighting. Change nothing but the background.";

/** Formats a cut-out can be written in (jpeg has no alpha). */
const ALPHA_FORMATS: readonly ImageFormat[] = ["png", "webp"];

/** The names of a transparent asset's two paid sources. */
export function matteSourceNames(name: string): { white: string; black: string } {
  return { white: `${name}.white`, black: `${name}.black` };
}

/** A source's output: `<out-stem>.<backdrop>.<ext>` beside the asset's output. */
function sourceOutput(output: string, backdrop: "white" | "black", format: ImageFormat): string {
  const ext = path.posix.extname(output);
  return `${output.slice(0, output.length - ext.length)}.${backdrop}.${format === "jpeg" ? "jpg" : format}`;
}

/**
 * Why `background: transparent` cannot be built for these settings (undefined when it can):
 * the cut-out needs a format with alpha, and the black source needs the model's edit variant.
 */
export function transparentProblem(settings: SpecSettings, provider: ProviderProfile, variant: string): string | undefined {
  if (!ALPHA_FORMATS.includes(settings.format))
    return `transparent${variant} writes an image with alpha: format ${settings.format} has none; use ${ALPHA_FORMATS.join(" or ")}`;
  const cap = provider.capabilities[settings.model];
  if (!cap?.editId) {
    const able = Object.entries(provider.capabilities)
      .filter(([, c]) => c?.editId)
      .map(([m]) => m);
    return `transparent${variant} edits the white image to black with the model's edit variant, and ${settings.model} on ${provider.name} cannot edit${able.length ? ` (models that can: ${able.join(", ")})` : ""}; use a model that can, or drop background: transparent`;
  }
  return undefined;
}

/**
 * A transparent asset as three: the cut-out itself (made locally from the other two, never
 * paid), `<name>.white` (the prompt on pure white, paid) and `<name>.black` (an edit of the
 * white image to pure black, paid). The sources are lossless (png when the provider takes it)
 * and carry no derived files or alt text; the cut-out's spec references both, so it is hashed
 * from their bytes once they are linked (plan/graph.ts). Call transparentProblem first. Pure.
 */
export function withMatteSources(asset: ResolvedAsset, provider: ProviderProfile): ResolvedAsset[] {
  const cap = provider.capabilities[asset.spec.model]!;
  const format: ImageFormat = cap.formats.includes("png") ? "png" : asset.spec.format;
  const names = matteSourceNames(asset.name);
  const { gates } = asset;
  const source = (backdrop: "white" | "black", spec: AssetSpec): ResolvedAsset => {
    const s: ResolvedAsset = {
      name: names[backdrop],
      output: sourceOutput(asset.output, backdrop, format),
      spec,
      hash: spec.references.some((r) => r.kind === "asset") ? "" : specHash(spec),
      source: asset.source,
      matteSource: { of: asset.name, backdrop },
    };
    if (gates) s.gates = { ...gates, alpha: false };
    if (asset.matrix) s.matrix = asset.matrix;
    return s;
  };
  const white = source("white", { ...asset.spec, format, prompt: `${asset.spec.prompt}\n\n${WHITE_BACKDROP}` });
  if (asset.referenceSources) white.referenceSources = asset.referenceSources;
  const { seed, ...rest } = asset.spec;
  const black = source("black", {
    ...rest,
    ...(seed !== undefined ? { seed } : {}),
    modelId: cap.editId!,
    format,
    webSearch: false,
    prompt: BLACK_EDIT,
    references: [{ kind: "asset", ref: white.name }],
  });
  const { referenceSources: _r, ...main } = asset;
  const cutOut: ResolvedAsset = {
    ...main,
    spec: {
      ...asset.spec,
      references: [
        { kind: "asset", ref: white.name },
        { kind: "asset", ref: black.name },
      ],
    },
    hash: "",
    matte: names,
  };
  return [cutOut, white, black];
}
