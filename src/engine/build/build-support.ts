import { round } from "../../core/catalog/prices.js";
import type { LockEntry } from "../../core/lock/types.js";
import type { Project, ResolvedAsset } from "../../core/project.js";
import type { ContentStore } from "../store/content-store.js";
import { Budget, BudgetExceededError, estimateLines, type EstimateLine } from "./budget.js";
import type { AssetResult, BuildResult, EventSink } from "./events.js";
import type { PendingTask } from "../state/journal.js";

/**
 * The budget check before anything is submitted: refuses (BudgetExceededError) when what
 * this build would pay for passes the cap. Assets that resume a journalled task or come back
 * from the store cost nothing and are not counted. Returns the in-flight guard.
 */
export function checkBudget(
  project: Project,
  opts: { maxCostUsd?: number; fitBudget?: boolean },
  assets: ResolvedAsset[],
  pending: Map<string, PendingTask>,
  store: ContentStore,
  /** Spec hashes already in a batch job (paid for by the build that made it). */
  inJob: Set<string> = new Set(),
  /** Other paid work of the build (the `alt: auto` descriptions). */
  extra: EstimateLine[] = [],
): Budget | undefined {
  const maxUsd = opts.maxCostUsd ?? project.config.budget?.maxUsd;
  if (maxUsd === undefined) return undefined;
  const paid = assets.filter((a) => !pending.get(a.hash)?.taskId && !inJob.has(a.hash) && !store.get(a.hash));
  const lines = [...estimateLines(paid, project.config.prices, project.config.batch), ...extra];
  const total = round(lines.reduce((s, l) => s + l.usd, 0));
  if (total > maxUsd && !opts.fitBudget) throw new BudgetExceededError(total, maxUsd, lines);
  return new Budget(maxUsd, project.config.prices, project.config.batch);
}

/** Keeps a collected image in the store (in the background; the build waits for it before it ends); a failure there is a warning, never a lost image. */
export function keep(store: ContentStore, entry: LockEntry, file: string, emit: EventSink): void {
  const warn = (err: Error) =>
    emit({ type: "warning", name: entry.output, message: `could not keep a copy in the local store: ${err.message}` });
  try {
    store.putLater(entry, file, warn);
  } catch (err) {
    warn(err as Error);
  }
}

export function summarize(
  results: AssetResult[],
  simulated: boolean,
  warnings: string[],
  entries: Record<string, { model: string }>,
): Omit<BuildResult, "interrupted" | "leftRunning" | "possibleDuplicates"> {
  results.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const count = (s: AssetResult["status"]) => results.filter((r) => r.status === s).length;
  const costByModel: Record<string, number> = {};
  let cost = 0;
  for (const r of results) {
    if (r.status !== "generated" && r.status !== "rejected") continue;
    cost += r.costUsd;
    const model = r.model ?? entries[r.name]?.model ?? "unknown";
    costByModel[model] = round((costByModel[model] ?? 0) + r.costUsd);
  }
  return {
    generated: count("generated"),
    upToDate: count("up-to-date"),
    failed: count("failed"),
    blocked: count("blocked"),
    rejected: count("rejected"),
    skipped: count("skipped"),
    costUsd: round(cost),
    simulated,
    assets: results,
    costByModel,
    warnings,
  };
}
