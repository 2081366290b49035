import type { ModelFamily, Resolution } from "./models.js";
import type { ProviderName } from "./provider-names.js";

/** The listed price of one image: USD, and the provider's own unit where it has one. */
export interface Price {
  usd: number;
  credits?: number;
  tokens?: number;
}

/** What an image cost, and where the figure came from. */
export interface Cost {
  usd: number;
  credits?: number;
  tokens?: number;
  /** `provider`: the provider said so; `usage`: computed from reported usage; `catalog`/`config`: listed price. */
  source: "provider" | "usage" | "catalog" | "config";
}

export type PriceTable = Partial<Record<ProviderName, Partial<Record<ModelFamily, Partial<Record<Resolution, Price>>>>>>;

const APIDOT_CREDIT_USD = 0.005;
const credits = (n: number): Price => ({ usd: round(n * APIDOT_CREDIT_USD), credits: n });
/** Gemini bills output image tokens at a per-million price. */
const tokens = (n: number, usdPerMillion: number): Price => ({ usd: round((n * usdPerMillion) / 1e6), tokens: n });

/**
 * Listed prices (November 2026, ../shared/providers.md). Prices change: a config's `prices`
 * section overrides any of these, and the lockfile records where each figure came from.
 */
export const DEFAULT_PRICES: PriceTable = {
  gemini: {
    "nano-banana": { "1K": tokens(1290, 30) },
    "nano-banana-2": { "0.5K": tokens(747, 60), "1K": tokens(1120, 60), "2K": tokens(1680, 60), "4K": tokens(2520, 60) },
    "nano-banana-pro": { "1K": tokens(1120, 120), "2K": tokens(1120, 120), "4K": tokens(2000, 120) },
  },
  apidot: {
    "nano-banana-2": { "0.5K": credits(7), "1K": credits(10), "2K": credits(15), "4K": credits(20) },
    "nano-banana-pro": { "1K": credits(18), "2K": credits(18), "4K": credits(35) },
  },
  fal: {
    "nano-banana": { "1K": { usd: 0.039 } },
    "nano-banana-2": { "0.5K": { usd: 0.08 }, "1K": { usd: 0.08 }, "2K": { usd: 0.15 }, "4K": { usd: 0.3 } },
    "nano-banana-pro": { "1K": { usd: 0.15 }, "2K": { usd: 0.15 }, "4K": { usd: 0.3 } },
  },
  revid: {
    "nano-banana": { "1K": { usd: 0.02, credits: 8 } },
    "nano-banana-pro": { "1K": { usd: 0.09, credits: 25 }, "2K": { usd: 0.09, credits: 25 }, "4K": { usd: 0.12, credits: 35 } },
  },
};

/** USD per image as a user may override it in config: `prices.<provider>.<model>.<resolution>: 0.12`. */
export type PriceOverrides = Partial<Record<ProviderName, Partial<Record<ModelFamily, Partial<Record<Resolution, number>>>>>>;

/** The price of one image, with overrides applied; undefined when nothing lists one. */
export function listedPrice(
  provider: ProviderName,
  model: ModelFamily,
  resolution: Resolution,
  overrides?: PriceOverrides,
): (Price & { source: "config" | "catalog" }) | undefined {
  const override = overrides?.[provider]?.[model]?.[resolution];
  if (override !== undefined) return { usd: override, source: "config" };
  const listed = DEFAULT_PRICES[provider]?.[model]?.[resolution];
  return listed ? { ...listed, source: "catalog" } : undefined;
}

/** Google's Batch API charges this share of the standard price. */
export const BATCH_PRICE_FACTOR = 0.5;

/** The listed price of one image made in batch mode (half), or the standard one. */
export function listedPriceFor(
  provider: ProviderName,
  model: ModelFamily,
  resolution: Resolution,
  overrides: PriceOverrides | undefined,
  batch: boolean,
): ReturnType<typeof listedPrice> {
  const p = listedPrice(provider, model, resolution, overrides);
  if (!p || !batch) return p;
  return { ...p, usd: round(p.usd * BATCH_PRICE_FACTOR) };
}

/** An amount at the Batch API's rate when `batch` is set. */
export function atBatchRate(usd: number, batch: boolean | undefined): number {
  return batch ? round(usd * BATCH_PRICE_FACTOR) : usd;
}

/**
 * What one image costs: the one place a price is decided. A figure the provider reported
 * (APIDot's credits) wins; then a config override; then one computed from reported usage
 * (Gemini's tokens); then the catalog; else $0 from the catalog (nothing lists one).
 */
export function costOf(
  item: { provider: ProviderName; model: ModelFamily; resolution: Resolution },
  overrides?: PriceOverrides,
  reported?: Cost,
): Cost {
  if (reported?.source === "provider") return reported;
  const listed = listedPrice(item.provider, item.model, item.resolution, overrides);
  if (listed?.source === "config") return { usd: listed.usd, source: "config" };
  if (reported) return reported;
  if (!listed) return { usd: 0, source: "catalog" };
  const { source, ...price } = listed;
  return { ...price, source };
}

export function round(usd: number): number {
  return Math.round(usd * 1e6) / 1e6;
}
