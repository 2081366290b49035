import type { Issue } from "../../core/errors/user-error.js";
import type { BuildEvent, BuildResult } from "../build/events.js";
import type { LoadOptions } from "../load/load.js";
import type { SimulatorUrl } from "../providers/connect.js";

export interface WatchOptions extends LoadOptions {
  /** Most assets in flight at once (default: the config's concurrency). */
  concurrency?: number;
  /** Wait this long after the last save before rebuilding (default 100 ms). */
  debounceMs?: number;
  /** Receives every watch event (also available through `on`). */
  onEvent?: (event: WatchEvent) => void;
  /** The simulator of simulated builds (see SimulatorUrl: a base URL, or a starter the CLI passes). */
  simulatorUrl?: SimulatorUrl;
  env?: NodeJS.ProcessEnv;
}

/** What a watch session reports. Paths are relative to the project root. */
export type WatchEvent =
  /** The first build is done and files are being watched. */
  | { type: "ready"; root: string; manifests: number; references: number }
  /** Saved files that start a rebuild (after the debounce). */
  | { type: "change"; files: string[] }
  | { type: "build-start"; reason: "initial" | "change"; files: string[] }
  /** An event of the running build (plan, submitted, generated, failed, …). */
  | { type: "build"; event: BuildEvent }
  | { type: "build-end"; result: BuildResult }
  /** The project does not load (e.g. a broken manifest): the last good state is kept and watching goes on. */
  | { type: "error"; message: string; issues?: Issue[] }
  /** The session stopped; `interrupted` builds left their submitted tasks recorded for the next build. */
  | { type: "closed"; interrupted: boolean };

export type WatchListener = (event: WatchEvent) => void;

/** A running watch session. */
export interface Watcher {
  /** Resolves after the first build, once files are being watched. */
  readonly ready: Promise<void>;
  /** Subscribes to events; returns the unsubscribe function. */
  on(listener: WatchListener): () => void;
  /** Stops watching; a build in progress stops submitting, and what it submitted stays recorded. */
  close(): Promise<void>;
}
