import { needsGeneration, type Plan } from "../../core/plan/types.js";
import type { Project } from "../../core/project.js";
import { PROVIDERS } from "../providers/registry.js";
import { needsUrl } from "./deliver.js";
import { referencePolicy } from "../../core/references/policy.js";
import { ResultUrls } from "./result-urls.js";

/** Something the user must provide before an asset can be built. */
export interface PlanNeed {
  name: string;
  message: string;
}

/**
 * For a real build with a URL-only provider: the references it cannot deliver (a local file
 * with no known URL, an upstream whose result URL expired), said plainly so that `plan`
 * shows them before anything is paid for.
 */
export function referenceNeeds(project: Project, plan: Plan, stateDir: string): PlanNeed[] {
  if (project.config.simulate) return [];
  const def = PROVIDERS[project.config.provider];
  if (!def || referencePolicy(def).input === "inline") return [];
  const work = new Set(plan.items.filter((i) => needsGeneration(i.action)).map((i) => i.name));
  const urls = new ResultUrls(stateDir);
  const out: PlanNeed[] = [];
  for (const a of project.assets) {
    if (!work.has(a.name)) continue;
    for (const r of a.spec.references) {
      if (r.kind === "url") continue;
      if (r.kind === "asset" && (r.sha256?.startsWith("spec:") || work.has(r.ref))) continue; // built first, its URL is fresh
      const sha = r.kind === "file" && r.normalize ? undefined : r.sha256;
      if (!sha || !urls.get(sha)) out.push({ name: a.name, message: needsUrl(r, project.config.provider) });
    }
  }
  return out;
}
