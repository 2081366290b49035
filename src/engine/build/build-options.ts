import type { Plan } from "../../core/plan/types.js";
import type { PlanFile } from "../../core/plan/plan-file.js";
import type { Shard } from "../../core/plan/shard.js";
import type { RemoteStore } from "../remote/types.js";
import type { Connection, SimulatorUrl } from "../providers/connect.js";
import type { EventSink } from "./events.js";

/** How a build runs: what to build, how many at once, limits, and what it may reuse. */
export interface BuildOptions {
  /** Most assets in flight (default: the config's concurrency). */
  concurrency?: number;
  /** Build only assets whose name matches one of these globs. */
  only?: string[];
  /** Re-hash output files to decide what is up to date. */
  verify?: boolean;
  /** Receives progress events. */
  onEvent?: EventSink;
  /** Stops submitting and polling when aborted; submits already sent are still recorded. */
  signal?: AbortSignal;
  /** Use this connection (tests inject one); default connects the project's provider. */
  connection?: Connection;
  /** The simulator of a simulated build (default: env NANOBANANA_SIMULATOR_URL, then `simulator.url`). */
  simulatorUrl?: SimulatorUrl;
  env?: NodeJS.ProcessEnv;
  /** Spend cap in USD for this build (default: the config's budget.maxUsd). */
  maxCostUsd?: number;
  /** With a cap: build what fits instead of refusing when the estimate is over it. */
  fitBudget?: boolean;
  /** When another build holds the project lock: wait for it (default: stop with ProjectBusyError). */
  wait?: boolean;
  /** Batch mode: create the jobs and return, leaving them running (a later build or `status` picks them up). */
  noWait?: boolean;
  /**
   * Batch mode: called when a job's results start to be collected and after every 100 of
   * them. The CLI runs a full garbage collection there: the garbage of planning and, as a
   * 10,000-asset build's assets finish, their state turn into old-generation garbage that V8
   * otherwise kept for ~100 s at a time, and the collection's peak RSS was that garbage plus
   * the native memory freed with it.
   */
  reclaimMemory?: () => void;
  /**
   * Apply exactly this saved plan (`build --plan`): plan with its `only`, and throw
   * PlanChangedError before anything is submitted unless the project still produces the same
   * work (names, spec hashes, provider, prices). `only` is ignored when it is set.
   */
  plan?: PlanFile;
  /**
   * Asked with the plan once it is made (under the project lock, before anything is submitted
   * or restored): resolving false ends the build with NotConfirmedError, nothing spent. The
   * CLI's confirmAboveUsd question, so that the build plans once.
   */
  confirm?: (plan: Plan) => Promise<boolean>;
  /** Build only this deterministic share of the work (`--shard I/N`); chains stay in one share. */
  shard?: Shard;
  /**
   * Pay again for assets whose earlier image failed the quality gates (default: they stay
   * `rejected`, so an image paid for is never silently paid for again).
   */
  retryRejected?: boolean;
  /** Use this remote store (tests inject one); default: the config's `remote:`, opened on first use. */
  remote?: RemoteStore;
  /**
   * Loopback origins (e.g. a local S3 server) whose plain-http presigned URLs may be handed to
   * a provider (tests and the simulator). Real providers fetch references over https only,
   * so every other presigned URL must be https.
   */
  httpReferenceOrigins?: string[];
}
