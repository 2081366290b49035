import { atBatchRate, costOf, round, type PriceOverrides } from "../../core/catalog/prices.js";
import { UserError } from "../../core/errors/user-error.js";
import type { ResolvedAsset } from "../../core/project.js";

/** One line of an estimate: how many images of a model at a resolution, and their price. */
export interface EstimateLine {
  model: string;
  resolution: string;
  count: number;
  usd: number;
}

/** The plan's estimate is over the cap: nothing was submitted. */
export class BudgetExceededError extends UserError {
  override name = "BudgetExceededError";
  constructor(
    readonly estimateUsd: number,
    readonly maxUsd: number,
    readonly lines: EstimateLine[],
  ) {
    super(
      `this build would cost an estimated ${dollars(estimateUsd)}, over the budget of ${dollars(maxUsd)} (budget.maxUsd or --max-cost); nothing was submitted. Raise the cap, or build a part with --only.`,
    );
  }
}

/** Dollars to the cent, or to a hundredth of a cent below one (a description costs $0.0004). */
function dollars(usd: number): string {
  return `$${usd.toFixed(usd > 0 && usd < 0.01 ? 4 : 2)}`;
}

/** Groups the assets that would be paid for by model and resolution, at listed prices. */
export function estimateLines(assets: ResolvedAsset[], prices?: PriceOverrides, batch = false): EstimateLine[] {
  const by = new Map<string, EstimateLine>();
  for (const a of assets) {
    const key = `${a.spec.model} ${a.spec.resolution}`;
    const line = by.get(key) ?? { model: a.spec.model, resolution: a.spec.resolution, count: 0, usd: 0 };
    line.count++;
    line.usd = round(line.usd + priceOf(a, prices, batch));
    by.set(key, line);
  }
  return [...by.values()].sort((x, y) => (x.model + x.resolution < y.model + y.resolution ? -1 : 1));
}

export function priceOf(asset: ResolvedAsset, prices?: PriceOverrides, batch = false): number {
  return atBatchRate(costOf(asset.spec, prices).usd, batch);
}

/**
 * The in-flight cap: each submit reserves the asset's listed price first, and is refused when
 * spent + reserved + that price would pass the cap. Completion settles the reservation at the
 * actual cost; a submit the provider refused releases it; a task that failed after it was
 * accepted stays counted (the provider may have charged it).
 */
export class Budget {
  private spent = 0;
  private reserved = new Map<string, number>();

  constructor(
    readonly maxUsd: number,
    private readonly prices?: PriceOverrides,
    /** Batch mode: reservations at the Batch API's price. */
    private readonly batch = false,
  ) {}

  /** Reserves the asset's price; returns a reason when the cap does not allow it. */
  reserve(asset: ResolvedAsset): string | undefined {
    return this.reserveUsd(asset.hash, priceOf(asset, this.prices, this.batch), "this image");
  }

  /**
   * Reserves `usd` under `key` (an image's spec hash, `alt:<name>` for a description); returns
   * a reason when the cap does not allow it.
   */
  reserveUsd(key: string, usd: number, what: string): string | undefined {
    const committed = this.spent + this.inFlight();
    if (round(committed + usd) > this.maxUsd) {
      return `budget: $${committed.toFixed(2)} spent or committed, ${what} (${dollars(usd)}) would pass the cap of $${this.maxUsd.toFixed(2)}`;
    }
    this.reserved.set(key, usd);
    return undefined;
  }

  /** The task ended: count what it really cost (the reservation when unknown). */
  settle(asset: ResolvedAsset, actualUsd?: number): void {
    this.settleKey(asset.hash, actualUsd);
  }

  settleKey(key: string, actualUsd?: number): void {
    const r = this.reserved.get(key);
    if (r === undefined) return;
    this.reserved.delete(key);
    this.spent = round(this.spent + (actualUsd ?? r));
  }

  /** The submit was not accepted: nothing was charged. */
  release(asset: ResolvedAsset): void {
    this.reserved.delete(asset.hash);
  }

  /** Spent plus reserved, in USD. */
  committed(): number {
    return round(this.spent + this.inFlight());
  }

  private inFlight(): number {
    let s = 0;
    for (const v of this.reserved.values()) s += v;
    return s;
  }
}
