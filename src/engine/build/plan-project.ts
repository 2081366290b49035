import path from "node:path";
import { readLockWithText } from "../state/read-lock.js";
import type { Lockfile } from "../../core/lock/types.js";
import type { Plan, PlanItem } from "../../core/plan/types.js";
import type { Project } from "../../core/project.js";
import { ContentStore } from "../store/content-store.js";
import { planFromDisk } from "../plan-facts.js";
import { LazyRemote } from "../remote/lazy-remote.js";
import { RestoreSources } from "./restore-sources.js";
import { planDerivedWork } from "../derive/after-collect.js";

import type { BuildOptions } from "./build-options.js";

import { stateDir } from "../state/state-dir.js";

export { stateDir };

/** What planProject returns: the plan, with its assets under the name the CLI's `plan --json` uses. */
export interface ProjectPlan extends Plan {
  /** Each asset's action, reason and estimate (the same array as `items`, its deprecated name). */
  assets: PlanItem[];
}

/** Plans the project against its lockfile and the files on disk (reads only). */
export async function planProject(
  project: Project,
  opts: Pick<BuildOptions, "verify" | "only" | "remote" | "retryRejected"> & {
    /** The lockfile, when the caller has just read it (a 10,000-entry lock takes a while to parse and check). */
    lock?: Lockfile;
  } = {},
): Promise<ProjectPlan> {
  const remote = new LazyRemote(project, opts.remote);
  try {
    const { plan } = await planWithLock(project, opts, remote);
    return { ...plan, assets: plan.items };
  } finally {
    await remote.close();
  }
}

export async function planWithLock(
  project: Project,
  opts: Pick<BuildOptions, "verify" | "only" | "retryRejected"> & { lock?: Lockfile },
  remote: LazyRemote,
): Promise<{ plan: Plan; lock: Lockfile; lockText?: string }> {
  // A lock the caller has read comes without its text: no no-op stamp is written from it.
  const { lock, text: lockText } = opts.lock
    ? { lock: opts.lock, text: undefined }
    : readLockWithText(project.lockfile, path.relative(project.root, project.lockfile));
  const sources = new RestoreSources(
    project.root,
    lock,
    new ContentStore(stateDir(project)),
    project.config.simulate,
    remote.configured ? () => remote.get() : undefined,
  );
  const p = await planFromDisk(project, lock, stateDir(project), { ...opts, sources });
  planDerivedWork(project, p, lock, opts.only, stateDir(project));
  return { plan: p, lock, lockText };
}
