import type { Plan, PlanItem } from "../plan/types.js";
import type { AssetSource, Project } from "../project.js";

/** Why an asset fails `build --check`. */
export type CheckKind = "missing" | "stale" | "simulated" | "output-missing" | "modified" | "orphaned" | "rejected";

export interface CheckProblem {
  name: string;
  kind: CheckKind;
  /** In words, e.g. "prompt changed". */
  message: string;
  /** Where the asset is declared (absent for orphans: they are only in the lockfile). */
  source?: AssetSource;
}

export interface CheckReport {
  ok: boolean;
  /** Assets compared (manifest assets plus orphaned lock entries). */
  checked: number;
  problems: CheckProblem[];
}

/**
 * `build --check`: compares manifests, lockfile and output files without touching the
 * network or writing anything. Pure over the plan (planProject gathers the file facts).
 */
export function checkPlan(project: Project, p: Plan): CheckReport {
  const sources = new Map(project.assets.map((a) => [a.name, a.source]));
  const problems: CheckProblem[] = [];
  for (const item of p.items) {
    const kind = kindOf(item);
    if (!kind) continue;
    problems.push({ name: item.name, kind, message: messageOf(kind, item), source: sources.get(item.name) });
  }
  return { ok: problems.length === 0, checked: p.items.length, problems };
}

function kindOf(item: PlanItem): CheckKind | undefined {
  switch (item.action) {
    case "up-to-date":
      return undefined;
    case "new":
      return "missing";
    case "orphaned":
      return "orphaned";
    case "changed":
      return item.changed?.includes("simulated") ? "simulated" : "stale";
    case "output-missing":
      return /differs|bytes/.test(item.reason) ? "modified" : "output-missing";
    case "rejected":
      return "rejected";
  }
}

function messageOf(kind: CheckKind, item: PlanItem): string {
  switch (kind) {
    case "missing":
      return "not generated yet (no lockfile entry)";
    case "stale":
      return `stale: ${item.reason}`;
    case "simulated":
      return "the committed image came from the simulator; this config builds for real";
    case "output-missing":
      return `${item.output}: ${item.reason}`;
    case "modified":
      return `${item.output} no longer matches the lockfile (${item.reason})`;
    case "orphaned":
      return "in the lockfile but in no manifest (run nanobanana gc)";
    case "rejected":
      return `its image failed the quality gates: ${item.reason}`;
  }
}
