import { round } from "../catalog/prices.js";
import type { ModelTotal, ReportRow } from "./types.js";

/** Spend by model: what the shown images cost, and what the pending ones are estimated at. */
export function totalsByModel(rows: ReportRow[]): ModelTotal[] {
  const by = new Map<string, ModelTotal>();
  for (const r of rows) {
    const t = by.get(r.model) ?? { model: r.model, assets: 0, usd: 0, pendingUsd: 0 };
    t.assets++;
    if (r.status === "pending") t.pendingUsd = round(t.pendingUsd + r.costUsd);
    else t.usd = round(t.usd + r.costUsd);
    by.set(r.model, t);
  }
  return [...by.values()].sort((a, b) => (a.model < b.model ? -1 : a.model > b.model ? 1 : 0));
}
