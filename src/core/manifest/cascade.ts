import type { Settings } from "../config/settings-schema.js";
import { CASCADED_FIELDS } from "../spec.js";

/** The layers settings cascade through, weakest first. */
export const LAYERS = ["builtin", "config", "brand", "manifest", "asset"] as const;
export type LayerName = (typeof LAYERS)[number];

/** What an asset gets when no layer sets a field. */
export const BUILTIN_DEFAULTS: Settings = { model: "nano-banana-2", resolution: "1K", aspectRatio: "1:1", format: "png" };

/** Settings after the cascade; a field may still hold a `{{var}}` filled per variant. */
export type CascadedSettings = Settings & Record<string, unknown>;

/** The cascade's result: each field's value and the layer that set it. */
export interface Cascade {
  settings: CascadedSettings;
  from: Partial<Record<string, LayerName>>;
}

/**
 * Config defaults → brand → manifest defaults → asset: later layers win; an undefined field
 * does not erase an earlier one. Only the cascaded fields are taken from each layer (a brand's
 * prefix or an asset's name are not settings).
 */
export function cascade(layers: Partial<Record<LayerName, object | undefined>>): Cascade {
  const settings: Record<string, unknown> = {};
  const from: Partial<Record<string, LayerName>> = {};
  for (const name of LAYERS) {
    const layer = layers[name] as Record<string, unknown> | undefined;
    if (!layer) continue;
    for (const f of CASCADED_FIELDS) {
      if (layer[f] === undefined) continue;
      settings[f] = layer[f];
      from[f] = name;
    }
  }
  return { settings: settings as CascadedSettings, from };
}
