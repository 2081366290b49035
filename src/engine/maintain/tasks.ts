import path from "node:path";
import { listedPrice } from "../../core/catalog/prices.js";
import { UserError } from "../../core/errors/user-error.js";
import type { Project } from "../../core/project.js";
import { acquireProjectLock } from "../state/project-lock.js";
import { type PendingTask, TaskJournal } from "../state/journal.js";

/** One journalled task, as `nanobanana tasks` shows it. */
export interface TaskRow {
  /** The provider's task id; "" for a submit whose answer never came. */
  taskId: string;
  hash: string;
  name: string;
  provider: string;
  /**
   * `submitted`: a task exists and the next build collects it; `unanswered`: a submit was sent,
   * no answer came (it may exist); `empty`: the task finished, paid, with no image (nothing is
   * submitted again until it is forgotten).
   */
  state: "submitted" | "unanswered" | "empty";
  /** Whether a current asset still has this spec (else the task only feeds the store). */
  current: boolean;
  submittedAt: string;
  ageMs: number;
  simulated: boolean;
  /** Builds in a row whose download of the task's image failed, and the last error (scrubbed). */
  collectFailures?: number;
  lastError?: string;
}

export interface TaskList {
  tasks: TaskRow[];
  /** Journal files refused by validation, left in place. */
  rejected: { file: string; problem: string }[];
}

/** Lists the task journal, oldest first; reads, never writes. `now` is the caller's clock. */
export function listTasks(project: Project, stateDir: string, now: number): TaskList {
  const journal = new TaskJournal(stateDir);
  const current = new Set(project.assets.map((a) => a.hash));
  const tasks = [...journal.load().values()].map((t) => row(t, current, now)).sort((a, b) => a.submittedAt.localeCompare(b.submittedAt));
  return { tasks, rejected: journal.rejected.map((r) => ({ ...r, file: path.relative(project.root, r.file) })) };
}

function row(t: PendingTask, current: Set<string>, now: number): TaskRow {
  const at = Date.parse(t.submittedAt);
  return {
    taskId: t.taskId,
    hash: t.hash,
    name: t.name,
    provider: t.provider,
    state: t.empty && t.taskId ? "empty" : t.taskId ? "submitted" : "unanswered",
    current: current.has(t.hash),
    submittedAt: t.submittedAt,
    ageMs: Number.isFinite(at) ? Math.max(0, now - at) : 0,
    simulated: t.simulated,
    ...(t.collectFailures ? { collectFailures: t.collectFailures, lastError: t.lastError } : {}),
  };
}

/** What forgetting a task gives up, so the user can decide. */
export interface ForgetResult {
  task: TaskRow;
  /** What the next build pays to make this asset again (listed price; 0 when no current asset has the spec). */
  resubmitUsd: number;
  /** True when the next build would submit this asset again. */
  resubmits: boolean;
}

/**
 * Settles one journalled task: its entry is removed, so no build polls it again. The task
 * stays paid at the provider (forgetting refunds nothing); if a current asset has its spec,
 * the next build submits it again and pays once more. `id` is a task id, a spec-hash prefix
 * (8+ characters) or an asset name; an ambiguous one is a usage error.
 */
export async function forgetTask(
  project: Project,
  stateDir: string,
  id: string,
  now: number,
  opts: { dryRun?: boolean } = {},
): Promise<ForgetResult> {
  const { tasks } = listTasks(project, stateDir, now);
  const matches = tasks.filter((t) => (t.taskId && t.taskId === id) || (id.length >= 8 && t.hash.startsWith(id)) || t.name === id);
  if (matches.length === 0) throw new UserError(`no journalled task matches ${JSON.stringify(id)}; \`nanobanana tasks\` lists them`);
  if (matches.length > 1)
    throw new UserError(
      `${JSON.stringify(id)} matches ${matches.length} tasks (${matches.map((m) => m.taskId || m.hash.slice(0, 12)).join(", ")}); give a task id`,
    );
  const task = matches[0];
  const asset = project.assets.find((a) => a.hash === task.hash);
  const price = asset && listedPrice(asset.spec.provider, asset.spec.model, asset.spec.resolution, project.config.prices);
  if (!opts.dryRun) {
    const held = await acquireProjectLock(stateDir, { command: "tasks forget" });
    try {
      const journal = new TaskJournal(stateDir);
      journal.foldIntentLogs();
      journal.remove(task.hash);
    } finally {
      held.release();
    }
  }
  return { task, resubmits: Boolean(asset), resubmitUsd: asset ? (price?.usd ?? 0) : 0 };
}
