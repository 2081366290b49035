import type { LockEntry } from "../../core/lock/types.js";
import type { DeriveSummary } from "../derive/derive-all.js";
import type { AltSummary } from "../alt/describe-all.js";
import type { Plan } from "../../core/plan/types.js";
import type { BatchJobReport } from "../batch/types.js";
import type { UnrecordedTask } from "./record-keeper.js";
import type { LockHolder } from "../state/project-lock.js";
import type { RestoreSource } from "../remote/types.js";

/** What the engine reports while it builds; the CLI renders these, a library user may ignore them. */
export type BuildEvent =
  | { type: "waiting"; holder: LockHolder }
  | { type: "plan"; plan: Plan }
  | { type: "submitted"; name: string; taskId: string; resumed: boolean }
  | { type: "progress"; name: string; progress?: number }
  | { type: "retry"; name: string; what: string; attempt: number; delayMs: number; error: string }
  /** `entry` is the asset's new lock entry (the lockfile on disk catches up within a second). */
  | { type: "generated"; name: string; output: string; costUsd: number; restored?: boolean; from?: RestoreSource; entry?: LockEntry }
  | { type: "failed"; name: string; error: string }
  | { type: "blocked"; name: string; reason: string }
  /** Paid for and failed a quality gate: the image is kept at `kept` (project-relative), the output left as it was. */
  | { type: "rejected"; name: string; reason: string; costUsd: number; kept: string }
  /** Not submitted: over the budget (`fitBudget`) or interrupted before its submit. Not a failure. */
  | { type: "skipped"; name: string; reason: string }
  | { type: "warning"; name?: string; message: string }
  | { type: "derived"; name: string; output: string }
  /** `alt: auto`: the provider's text model described the image (paid `costUsd`). */
  | { type: "described"; name: string; text: string; costUsd: number };

export type EventSink = (event: BuildEvent) => void;

/** The outcome of one asset in a build. */
export type AssetStatus = "generated" | "up-to-date" | "failed" | "blocked" | "skipped" | "rejected";

export interface AssetResult {
  name: string;
  status: AssetStatus;
  output: string;
  hash: string;
  taskId?: string;
  costUsd: number;
  error?: string;
  /** For a rejected asset: where its image is kept for inspection (project-relative). */
  kept?: string;
  /** For an asset rejected in this build: the model it paid (it has no lock entry to say so). */
  model?: string;
  /** True when the image came back at no cost (from `restoredFrom`). */
  restored?: boolean;
  restoredFrom?: RestoreSource;
}

/** What build() returns (and `build --json` prints). */
export interface BuildResult {
  generated: number;
  upToDate: number;
  /** Assets that failed (skipped ones are not counted here). */
  failed: number;
  blocked: number;
  /**
   * Assets whose image failed the quality gates (paid for now, or in an earlier build and not
   * retried): the output and the lock entry are left as they were.
   */
  rejected: number;
  /** Assets not submitted: over the budget with `fitBudget`, or interrupted before their submit. */
  skipped: number;
  costUsd: number;
  simulated: boolean;
  assets: AssetResult[];
  /** Spend by model, for the summary. */
  costByModel: Record<string, number>;
  warnings: string[];
  /** True when the build was stopped (Ctrl-C / the abort signal) before it finished. */
  interrupted: boolean;
  /** Tasks submitted and recorded but not collected (left running at the provider); the next build collects them. */
  leftRunning: number;
  /**
   * Assets whose submit was sent and got no answer (reset, timeout, unreadable reply) and was
   * submitted again: the provider may have charged twice. Check its dashboard.
   */
  possibleDuplicates: PossibleDuplicate[];
  /** Batch mode: the jobs this build created, followed or left running, with their state. */
  batchJobs?: BatchJobReport[];
  /** Set when the task journal could not be written (a full disk): no submit was sent after that. */
  journalError?: string;
  /** Tasks the provider accepted whose id could not be written down: settle them by hand. */
  unrecorded?: UnrecordedTask[];
  /** What the derive step did (derived files are local work, never charged). */
  derived?: DeriveSummary;
  /** What `alt: auto` did: descriptions paid for (their cost is in costUsd), reused, current, failed. */
  alt?: AltSummary;
  /** The asset module written after the build (`codegen.out`), project-relative; `changed` false when its bytes were already on disk. */
  codegen?: { out: string; changed: boolean };
}

/** An asset that may have been charged more than once, and why. */
export interface PossibleDuplicate {
  name: string;
  reason: string;
}
