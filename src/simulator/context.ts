import type { IncomingMessage, ServerResponse } from "node:http";
import type { FaultsOption } from "./faults.js";
import type { SimState, SimTask } from "./state.js";

/** Options of a simulator instance. */
export interface SimulatorOptions {
  /** How long each task takes, in ms (default 400). */
  latencyMs?: number;
  /**
   * How long a Batch API job runs, in ms (default 2000): Google's hours, compressed. A job is
   * PENDING for its first fifth, then RUNNING, then done.
   */
  batchLatencyMs?: number;
  /**
   * The simulator's clock (default Date.now): what batch jobs and signed URLs are timed by. A
   * test that must act while a job is still running holds it still instead of racing it.
   */
  now?: () => number;
  /** Port to listen on (default 0: any free port). */
  port?: number;
  /** Interface to bind (default 127.0.0.1). */
  host?: string;
  /**
   * Honour the `Idempotency-Key` header on submits: a repeated key answers with the first
   * task and charges nothing (default false: the APIDot docs do not say the real service
   * does this, so the simulator does not pretend it does unless asked).
   */
  idempotency?: boolean;
  /** Faults and service limits: the `--faults` syntax or a plan (see fault-syntax.ts). */
  faults?: FaultsOption;
  /** Seed of the fault pattern (default 1): the same seed, the same failing requests. */
  seed?: number;
  /**
   * Origins (e.g. `http://127.0.0.1:4568`, a loopback S3 server) whose reference URLs the
   * simulator downloads when a task is submitted, as the real service fetches them: the bytes
   * are drawn into the image and listed in `state.fetched`, and one that cannot be fetched
   * fails the submit. URLs of other origins are taken unfetched (the simulator reaches no
   * network). Default none.
   */
  fetchOrigins?: string[];
}

/** What a protocol handler may use. */
export interface SimContext {
  state: SimState;
  options: Required<Pick<SimulatorOptions, "latencyMs" | "idempotency" | "batchLatencyMs" | "fetchOrigins">>;
  /** The server's origin, e.g. http://127.0.0.1:4321 */
  origin(): string;
  now(): number;
  /** A result URL for a task's image, carrying an expiry like a real signed URL. */
  fileUrl(task: SimTask, index?: number): string;
  /** Faults injected so far, by `route:kind` (admin route). */
  faultCounts?: () => Record<string, number>;
}

/** Handles a request if it belongs to this protocol; returns false to let the next one try. */
export type SimRoute = (ctx: SimContext, req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>;
