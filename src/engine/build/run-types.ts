import type { HttpClient } from "../transport/client.js";
import type { ProviderRuntime } from "../providers/runtime.js";
import type { LockEntry } from "../../core/lock/types.js";
import type { ResolvedAsset } from "../../core/project.js";
import type { ImageRequest, ReferenceInput } from "../providers/types.js";
import type { EventSink } from "./events.js";
import type { ImageFacts } from "./image-file.js";
import type { TaskJournal } from "../state/journal.js";
import type { FirstSubmitGate } from "./first-submit-gate.js";
import type { PollPlanner } from "./poll-plan.js";
import type { ConcurrencyGate } from "../transport/rate-limit.js";
import type { RecordKeeper } from "./record-keeper.js";

/* What running one asset needs and returns. */
export interface RunDeps {
  provider: ProviderRuntime;
  journal: TaskJournal;
  /** The one transport (downloads go through it). */
  http: HttpClient;
  root: string;
  simulated: boolean;
  poll: PollPlanner;
  /** Tasks running at the provider at once (providers.<name>.concurrency). */
  gate?: ConcurrencyGate;
  /** Submit again after an unknown outcome, reporting a possible duplicate (default true). */
  resubmitUnknown?: boolean;
  emit: EventSink;
  signal?: AbortSignal;
  now?: () => Date;
  /** Delivers reference images as the provider takes them (checked before the paid submit). */
  references?: (asset: ResolvedAsset) => Promise<ReferenceInput[]>;
  /** Asked right before a paid submit; a reason string means "do not submit" (budget). */
  beforeSubmit?: (asset: ResolvedAsset) => string | undefined;
  /** Told when a submit was not accepted, so a reservation can be released. */
  submitRejected?: (asset: ResolvedAsset) => void;
  /** Only collect a journalled task; never submit (orphans whose asset changed). */
  collectOnly?: boolean;
  /** Watches journal writes: after a failed one nothing more is submitted (see RecordKeeper). */
  records?: RecordKeeper;
  /** Holds submits until the build's first one is recorded (see FirstSubmitGate). */
  firstSubmit?: FirstSubmitGate;
  /** Keeps an image that failed its quality gates (the store's rejected area), for inspection. */
  keepRejected?: (entry: LockEntry, file: string, reasons: string[]) => void;
}

export type AssetOutcome = (
  | { status: "generated"; entry: LockEntry; facts: ImageFacts; resultUrl?: string }
  | { status: "failed"; error: string; taskId?: string }
  | { status: "blocked"; reason: string; taskId: string }
  /** Paid for, collected, and failed a quality gate: `entry` is what the lock would have recorded (not recorded). */
  | { status: "rejected"; reason: string; taskId: string; entry: LockEntry }
  /** Not submitted (budget, interrupted), or submitted and left running (`taskId` set, journalled). */
  | { status: "skipped"; reason: string; taskId?: string }
) & {
  /** Set when a submit's outcome was unknown: the provider may have charged for a task we never saw. */
  possibleDuplicate?: string;
};

/** The neutral request for an asset's spec. */
export function requestFor(asset: ResolvedAsset): ImageRequest {
  const { provider: _provider, references, ...settings } = asset.spec;
  return { ...settings, references: references.map((r) => ({ url: r.url })) };
}
