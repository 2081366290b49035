import { formatPath, type FieldPath } from "../errors/yaml-source.js";
import type { LayerName } from "./cascade.js";

/** Where a setting's error is reported: the field path in the manifest and a note on where the value comes from. */
export interface Origin {
  path: FieldPath;
  note: string;
}

/**
 * Where a setting of one asset comes from, for error messages: the asset's own field, the
 * manifest's defaults (reported at that line), a brand, the config's defaults or the built-in.
 */
export function originOf(field: string, layer: LayerName | undefined, assetPath: FieldPath, brandName: string | undefined): Origin {
  const at: FieldPath = [...assetPath, field];
  switch (layer) {
    case "manifest":
      return { path: ["defaults", field], note: ` (from this manifest's defaults, for ${formatPath(assetPath)})` };
    case "brand":
      return { path: at, note: ` (from brand ${JSON.stringify(brandName)} in the config)` };
    case "config":
      return { path: at, note: " (from the config's defaults)" };
    case "builtin":
      return { path: at, note: " (the built-in default)" };
    default:
      return { path: at, note: "" };
  }
}
