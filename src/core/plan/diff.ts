import type { Lockfile } from "../lock/types.js";
import type { ResolvedAsset } from "../project.js";
import { changedFields } from "./plan.js";

/** One asset that differs between a git ref's lockfile and the project as it is now. */
export interface DiffRow {
  name: string;
  change: "added" | "changed" | "removed";
  /** Spec fields that changed (changed assets only). */
  fields?: string[];
  /** What the change took (the current lock entry's cost) or would take (the plan's estimate). */
  usd: number;
  /** `took`: the current lockfile already holds the new image; `would take`: not built yet. */
  cost: "took" | "would take" | "none";
}

/**
 * Assets added, changed (which spec fields) and removed between the lockfile at a git ref and
 * the project now, with the cost each change took or would take (like `dvc diff`).
 */
export function diffAgainst(assets: ResolvedAsset[], before: Lockfile, now: Lockfile, estimate: Map<string, number>): DiffRow[] {
  const rows: DiffRow[] = [];
  const cost = (a: ResolvedAsset): Pick<DiffRow, "usd" | "cost"> => {
    const built = now.assets[a.name];
    if (built && built.hash === a.hash) return { usd: built.cost?.usd ?? 0, cost: "took" };
    return { usd: estimate.get(a.name) ?? 0, cost: "would take" };
  };
  const current = new Set<string>();
  for (const a of assets) {
    current.add(a.name);
    const old = before.assets[a.name];
    if (!old) rows.push({ name: a.name, change: "added", ...cost(a) });
    else if (old.hash !== a.hash) rows.push({ name: a.name, change: "changed", fields: changedFields(a, old), ...cost(a) });
  }
  for (const name of Object.keys(before.assets)) {
    if (!current.has(name)) rows.push({ name, change: "removed", usd: 0, cost: "none" });
  }
  return rows.sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
}
