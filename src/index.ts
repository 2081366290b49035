// The package entry, `nanobanana`: light to import. What reads a project, the disk or the
// network (and with it zod, YAML, fast-glob, chokidar) is loaded on its first call, so these
// functions return promises. `nanobanana/all` (src/all.ts) exports the whole API loaded at
// once, synchronous where the engine is (loadProject, readLock, watch, projectStatus), with the
// zod schemas, parseLock, TaskJournal and WatchSession.
import type { Project } from "./core/project.js";
import type { Lockfile } from "./core/lock/types.js";
import type { LoadOptions } from "./engine/load/load.js";
import type { WatchOptions, Watcher } from "./engine/watch/types.js";
import type { ProjectStatus } from "./engine/maintain/status.js";

/** Reads the config and every manifest; rejects with ConfigError listing every issue. */
export async function loadProject(opts: LoadOptions = {}): Promise<Project> {
  return (await import("./engine/load/load.js")).loadProject(opts);
}

/** Reads and checks a lockfile (an absent file is an empty lock). */
export async function readLock(file: string, shown = file): Promise<Lockfile> {
  return (await import("./engine/state/read-lock.js")).readLock(file, shown);
}

/** Starts watch mode; `ready` on the result resolves once the first build is under way. */
export async function watch(opts: WatchOptions = {}): Promise<Watcher> {
  return (await import("./engine/watch/session.js")).watch(opts);
}

/** What the project's state holds: lock entries, journal, store, orphans. */
export async function projectStatus(project: Project, stateDir: string): Promise<ProjectStatus> {
  return (await import("./engine/maintain/status.js")).projectStatus(project, stateDir);
}

export const build: typeof import("./engine/build/build.js").build = async (...args) =>
  (await import("./engine/build/build.js")).build(...args);
export const planProject: typeof import("./engine/build/plan-project.js").planProject = async (...args) =>
  (await import("./engine/build/plan-project.js")).planProject(...args);
export const connect: typeof import("./engine/providers/connect.js").connect = async (...args) =>
  (await import("./engine/providers/connect.js")).connect(...args);
export const gc: typeof import("./engine/maintain/gc.js").gc = async (...args) => (await import("./engine/maintain/gc.js")).gc(...args);
export const writePlaceholders: typeof import("./engine/placeholders/write-placeholders.js").writePlaceholders = async (...args) =>
  (await import("./engine/placeholders/write-placeholders.js")).writePlaceholders(...args);

export type { LoadOptions, WatchOptions, Watcher, ProjectStatus };
export type { Project, ResolvedAsset, AssetSpec, AssetSource, ReferenceSpec } from "./core/project.js";
export { plan, changedFields, type PlanInput } from "./core/plan/plan.js";
export type { Plan, PlanItem, PlanAction, OutputFacts } from "./core/plan/types.js";
export { gatherFacts } from "./engine/facts.js";
export { stateDir } from "./engine/state/state-dir.js";
export type { BuildOptions } from "./engine/build/build-options.js";
export type { ProjectPlan } from "./engine/build/plan-project.js";
export type { BuildEvent, BuildResult, AssetResult, AssetStatus, EventSink, PossibleDuplicate } from "./engine/build/events.js";
export type { Connection, SimulatorUrl } from "./engine/providers/connect.js";
export { specHash, sha256, SPEC_FORMAT_VERSION } from "./core/hash.js";
export { serializeLock } from "./core/lock/serialize.js";
export type { Lockfile, LockEntry } from "./core/lock/types.js";
export { ConfigError, UserError, formatIssue, type Issue } from "./core/errors/user-error.js";
export { HttpError } from "./engine/transport/errors.js";
export { HttpClient } from "./engine/transport/client.js";
export {
  DEFAULT_RETRY,
  withRetry,
  isRetryable,
  isSafeToResubmit,
  isUnknownOutcome,
  retryDelayMs,
  type RetryPolicy,
} from "./engine/transport/retry.js";
export { RateLimiter, ConcurrencyGate } from "./engine/transport/rate-limit.js";
export { googleRetryDelayMs } from "./engine/transport/wait-hints.js";
export { PROVIDERS } from "./engine/providers/registry.js";
export type { ImageProvider, ImageRequest, ProviderDefinition, TaskStatus, Submission, Cost } from "./engine/providers/types.js";
export type { Config } from "./core/config/schema.js";
export type { Manifest } from "./core/manifest/schema.js";
export { DEFAULT_PRICES, listedPrice, costOf } from "./core/catalog/prices.js";
export { ProviderRuntime, NotResumableError } from "./engine/providers/runtime.js";
export { pixelSize } from "./core/catalog/pixel-sizes.js";
export type { WatchEvent, WatchListener } from "./engine/watch/types.js";
export { assetGraph, linkAsset, upstreamNames, type AssetGraph } from "./core/plan/graph.js";
export type { ReferencePolicy } from "./core/references/policy.js";
export { Budget, BudgetExceededError, estimateLines, type EstimateLine } from "./engine/build/budget.js";
export { acquireProjectLock, ProjectBusyError, type LockHolder, type ProjectLock } from "./engine/state/project-lock.js";
export type { PendingTask } from "./engine/state/journal.js";
export { checkPlan, type CheckReport, type CheckProblem, type CheckKind } from "./core/check/check.js";
export { mergeLocks, type MergeResult, type MergeDecision } from "./core/lock/merge.js";
export { splitConflict, hasConflictMarkers } from "./core/lock/conflict-markers.js";
export type { GcOptions, GcResult } from "./engine/maintain/gc.js";
export type { PlaceholderFile, PlaceholderResult } from "./engine/placeholders/write-placeholders.js";
