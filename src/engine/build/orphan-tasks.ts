import { rmSync } from "node:fs";
import path from "node:path";
import type { Plan } from "../../core/plan/types.js";
import type { ResolvedAsset } from "../../core/project.js";
import type { ContentStore } from "../store/content-store.js";
import type { PendingTask, TaskJournal } from "../state/journal.js";
import type { RunDeps } from "./run-asset.js";

/** Journalled tasks sorted by what this build does with them. */
export interface PendingSort {
  /** Tasks of assets this build would generate: resumed (polled) instead of submitted. */
  resume: Map<string, PendingTask>;
  /** Tasks whose spec no current asset has (the manifest changed meanwhile): collected into the store only. */
  orphans: PendingTask[];
}

/**
 * Sorts the journal against the plan. Entries whose image is already durable (the asset is
 * up to date with that hash, or the store holds it) are removed: a build killed between the
 * lock write and the journal clean-up leaves those behind.
 */
export function sortPending(
  pending: Map<string, PendingTask>,
  assets: ResolvedAsset[],
  p: Plan,
  journal: TaskJournal,
  store: ContentStore,
): PendingSort {
  const current = new Set(assets.map((a) => a.hash));
  const upToDate = new Set(p.items.filter((i) => i.action === "up-to-date").map((i) => i.hash));
  const resume = new Map<string, PendingTask>();
  const orphans: PendingTask[] = [];
  for (const [hash, task] of pending) {
    if (upToDate.has(hash)) journal.remove(hash);
    else if (current.has(hash)) resume.set(hash, task);
    else if (store.get(hash)) journal.remove(hash);
    else orphans.push(task);
  }
  return { resume, orphans };
}

/**
 * Collects a journalled task whose asset changed (or went away) since it was submitted: polls
 * it, downloads the image into the store under its own spec hash (a later revert restores it
 * at no cost), never into the outputs or the lockfile, and never submits anything.
 */
export async function collectOrphan(
  task: PendingTask,
  store: ContentStore,
  root: string,
  deps: RunDeps,
): Promise<"stored" | "failed" | "skipped"> {
  if (!task.taskId) {
    // A submit whose answer never came, for a spec no asset has now: nothing to poll.
    deps.journal.remove(task.hash);
    deps.emit({
      type: "warning",
      name: task.name,
      message: `an earlier build sent a submit and stopped before its answer; its spec has changed since, so it is not sent again (the provider may have charged it)`,
    });
    return "failed";
  }
  if (!task.spec || task.provider !== deps.provider.name || task.simulated !== deps.simulated) {
    deps.emit({
      type: "warning",
      message: `task ${task.taskId} (${task.name}, submitted ${task.submittedAt}) was left by an earlier build for another provider or mode; leaving it in .nanobanana/tasks`,
    });
    return "skipped";
  }
  // Paid and empty: nothing to collect; it stays listed by `nanobanana tasks` until forgotten.
  if (task.empty) return "skipped";
  const incoming = path.posix.join(".nanobanana", "incoming", `${task.hash}.img`);
  const asset: ResolvedAsset = {
    name: task.name,
    output: incoming,
    spec: { ...task.spec, provider: deps.provider.name },
    hash: task.hash,
    source: { file: "", line: 0, col: 0, path: "" },
  };
  const outcome = await (await import("./run-asset.js")).runAsset(asset, task, { ...deps, collectOnly: true, emit: () => {} });
  const file = path.join(root, incoming);
  try {
    if (outcome.status === "generated") {
      store.put({ ...outcome.entry, output: task.output ?? outcome.entry.output }, file);
      deps.journal.remove(task.hash);
      deps.emit({
        type: "warning",
        name: task.name,
        message: `collected task ${task.taskId}, submitted before its spec changed, into .nanobanana/store (no charge; reverting the change restores it)`,
      });
      return "stored";
    }
    if (outcome.status === "skipped") return "skipped";
    deps.emit({
      type: "warning",
      name: task.name,
      message: `could not collect earlier task ${task.taskId}: ${"error" in outcome ? outcome.error : outcome.reason}`,
    });
    return "failed";
  } finally {
    rmSync(file, { force: true });
  }
}
