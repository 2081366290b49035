export { loadProject, type LoadOptions } from "./engine/load/load.js";
export type { Project, ResolvedAsset, AssetSpec, AssetSource, ReferenceSpec } from "./core/project.js";
export { plan, changedFields, type PlanInput } from "./core/plan/plan.js";
export type { Plan, PlanItem, PlanAction, OutputFacts } from "./core/plan/types.js";
export { gatherFacts } from "./engine/facts.js";
export { build, planProject, stateDir, type BuildOptions, type ProjectPlan } from "./engine/build/build.js";
export type { BuildEvent, BuildResult, AssetResult, AssetStatus, EventSink, PossibleDuplicate } from "./engine/build/events.js";
export { connect, type Connection, type SimulatorUrl } from "./engine/providers/connect.js";
export { specHash, sha256, SPEC_FORMAT_VERSION } from "./core/hash.js";
export { parseLock } from "./core/lock/parse.js";
export { readLock } from "./engine/state/read-lock.js";
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
export { ConfigSchema, type Config } from "./core/config/schema.js";
export { ManifestSchema, type Manifest } from "./core/manifest/schema.js";
export { jsonSchemas } from "./core/config/json-schema.js";
export { DEFAULT_PRICES, listedPrice, costOf } from "./core/catalog/prices.js";
export { ProviderRuntime, NotResumableError } from "./engine/providers/runtime.js";
export { pixelSize } from "./core/catalog/pixel-sizes.js";
export { watch, WatchSession } from "./engine/watch/session.js";
export type { WatchOptions, WatchEvent, WatchListener, Watcher } from "./engine/watch/types.js";
export { assetGraph, linkAsset, upstreamNames, type AssetGraph } from "./core/plan/graph.js";
export type { ReferencePolicy } from "./core/references/policy.js";
export { Budget, BudgetExceededError, estimateLines, type EstimateLine } from "./engine/build/budget.js";
export { acquireProjectLock, ProjectBusyError, type LockHolder, type ProjectLock } from "./engine/state/project-lock.js";
export { TaskJournal, type PendingTask } from "./engine/state/journal.js";
export { checkPlan, type CheckReport, type CheckProblem, type CheckKind } from "./core/check/check.js";
export { mergeLocks, type MergeResult, type MergeDecision } from "./core/lock/merge.js";
export { splitConflict, hasConflictMarkers } from "./core/lock/conflict-markers.js";
export { gc, type GcOptions, type GcResult } from "./engine/maintain/gc.js";
export { writePlaceholders, type PlaceholderFile, type PlaceholderResult } from "./engine/placeholders/write-placeholders.js";
export { projectStatus, type ProjectStatus } from "./engine/maintain/status.js";
