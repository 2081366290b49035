import path from "node:path";
import { round } from "../../core/catalog/prices.js";
import { TaskJournal } from "../state/journal.js";
import { readLock } from "../state/read-lock.js";
import type { Project } from "../../core/project.js";

export interface StatusGroup {
  provider: string;
  model: string;
  assets: number;
  usd: number;
  simulated: number;
}

/** What the lockfile holds, by provider and model, and what it cost. */
export interface ProjectStatus {
  assets: number;
  totalUsd: number;
  /** Of which spend on simulated entries (nothing was really charged). */
  simulatedUsd: number;
  groups: StatusGroup[];
  /** Lock entries no manifest asks for (gc drops them). */
  orphaned: number;
  /** Tasks submitted by an earlier build and not yet collected (the next build collects them). */
  pendingTasks: number;
}

/** Reads the lockfile and the task journal; writes nothing. */
export function projectStatus(project: Project, stateDir: string): ProjectStatus {
  const lock = readLock(project.lockfile, path.relative(project.root, project.lockfile));
  const names = new Set(project.assets.map((a) => a.name));
  const groups = new Map<string, StatusGroup>();
  let total = 0;
  let sim = 0;
  let orphaned = 0;
  for (const [name, e] of Object.entries(lock.assets)) {
    const key = `${e.provider}\0${e.model}`;
    const g = groups.get(key) ?? { provider: e.provider, model: e.model, assets: 0, usd: 0, simulated: 0 };
    g.assets++;
    g.usd = round(g.usd + (e.cost?.usd ?? 0));
    if (e.simulated) g.simulated++;
    groups.set(key, g);
    total += e.cost?.usd ?? 0;
    if (e.simulated) sim += e.cost?.usd ?? 0;
    if (!names.has(name)) orphaned++;
  }
  return {
    assets: Object.keys(lock.assets).length,
    totalUsd: round(total),
    simulatedUsd: round(sim),
    groups: [...groups.values()].sort((a, b) => (a.provider + a.model < b.provider + b.model ? -1 : 1)),
    orphaned,
    pendingTasks: new TaskJournal(stateDir).load().size,
  };
}
