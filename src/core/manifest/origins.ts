import { formatPath, type FieldPath, type YamlSource } from "../errors/yaml-source.js";
import type { LayerName } from "./cascade.js";

/** Where a setting's error is reported: the file (the config, for inherited settings), the field path, and a note. */
export interface Origin {
  /** The config's source when the value is set there; otherwise the manifest. */
  source?: YamlSource;
  path: FieldPath;
  note: string;
  /** True when the value is shared by many assets: report it once, not per asset or variant. */
  shared: boolean;
}

/** Where an asset was declared, for "first used by" notes. */
export interface AssetWhere {
  path: FieldPath;
  /** `assets/shop.yaml:6`. */
  at: string;
}

/**
 * Where a setting of one asset comes from, for error messages: the asset's own field, the
 * manifest's defaults, a brand or the config's defaults (each reported at the line that sets
 * it), or the built-in default (reported at the asset).
 */
export function originOf(
  field: string,
  layer: LayerName | undefined,
  asset: AssetWhere,
  brandName: string | undefined,
  config: YamlSource | undefined,
): Origin {
  const own: FieldPath = [...asset.path, field];
  const firstUse = ` (first used by ${formatPath(asset.path)} at ${asset.at})`;
  switch (layer) {
    case "manifest":
      return { path: ["defaults", field], note: ` (from this manifest's defaults, for ${formatPath(asset.path)})`, shared: true };
    case "brand":
      if (config && brandName) return { source: config, path: ["brands", brandName, field], note: firstUse, shared: true };
      return { path: own, note: ` (from brand ${JSON.stringify(brandName)} in the config)`, shared: false };
    case "config":
      if (config) return { source: config, path: ["defaults", field], note: firstUse, shared: true };
      return { path: own, note: " (from the config's defaults)", shared: false };
    case "builtin":
      return { path: own, note: " (the built-in default)", shared: false };
    default:
      return { path: own, note: "", shared: false };
  }
}
