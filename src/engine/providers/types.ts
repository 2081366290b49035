import type { SpecSettings } from "../../core/spec.js";
import type { ProviderSettings } from "../../core/config/schema.js";
import type { HttpClient } from "../transport/client.js";
import type { BatchApi } from "./batch-types.js";
import type { Cost } from "../../core/catalog/prices.js";
import type { ProviderProfile } from "../../core/catalog/provider-profile.js";
import type { ProviderName } from "../../core/catalog/provider-names.js";

/** A reference image as it reaches a provider: a URL it can fetch, or the bytes. */
export interface ReferenceInput {
  url?: string;
  data?: Uint8Array;
  mimeType?: string;
}

export type { Cost };

/** The provider-neutral request every adapter translates into its own fields. */
export interface ImageRequest extends SpecSettings {
  prompt: string;
  references: ReferenceInput[];
}

/** One image a finished task produced: a URL to download, or inline bytes. */
export interface ImageOutput {
  url?: string;
  data?: Uint8Array;
  mimeType?: string;
  /** The API has no output-format parameter (Gemini): converting to the asset's format is expected, not worth a warning. */
  formatChosenByModel?: boolean;
}

/** A task as the provider reports it. */
export type TaskStatus =
  | {
      state: "pending";
      progress?: number;
      queuePosition?: number;
      /** A status value the adapter does not know, as the provider sent it: polling gives up after a few of these in a row. */
      unknown?: string;
    }
  | { state: "succeeded"; images: ImageOutput[]; cost?: Cost; text?: string }
  | { state: "failed"; message: string; code?: string }
  /** The task finished, and so is paid, with no image file in it: recorded as such, never paid for again unasked. */
  | { state: "empty"; message: string }
  | { state: "blocked"; reason: string; message?: string };

/** A task the provider accepted: its id (recorded at once) and anything needed to poll it. */
export interface TaskHandle {
  taskId: string;
  /** Provider-specific polling data (e.g. fal's status URL), persisted with the task id. */
  handle?: string;
}

/** The answer to a submit; synchronous providers (Gemini) include the final status. */
export interface Submission extends TaskHandle {
  status?: TaskStatus;
}

export interface CallOptions {
  signal?: AbortSignal;
  /**
   * On submit: a key the build recorded before sending, reused if the same submit is sent
   * again after a crash. Sent as the `Idempotency-Key` header; a provider that honours it
   * answers a repeat with the first task instead of charging again.
   */
  idempotencyKey?: string;
  /** The provider honours `idempotencyKey` (the runtime sets it from the definition): a repeat is then safe. */
  idempotent?: boolean;
  /** Told before each retry wait of the HTTP layer (the build turns it into a `retry` event). */
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
  /**
   * On a synchronous submit: called once the final answer's bytes are in, before they are
   * read (see JsonRequest.answered). The build frees the asset's place at the provider there.
   */
  answered?: () => Promise<void>;
}

/**
 * A connected provider: the small interface the build engine drives. An adapter translates
 * and reads answers only: the `cost` it returns is what the provider reported (if anything);
 * the runtime (runtime.ts) fills in the rest. `status` is absent when tasks cannot be looked up again.
 */
export interface ImageProvider {
  readonly name: ProviderName;
  submit(req: ImageRequest, opts?: CallOptions): Promise<Submission>;
  status?(task: TaskHandle, req: ImageRequest, opts?: CallOptions): Promise<TaskStatus>;
  /** Asks the provider's text model to describe an image (`alt: auto`); paid. Absent when it has none. */
  describe?(req: DescribeRequest, opts?: CallOptions): Promise<Description>;
}

/** An image to describe, and how. */
export interface DescribeRequest {
  /** The text model (core/catalog/describe). */
  modelId: string;
  prompt: string;
  image: { data: Uint8Array; mimeType: string };
}

/** A text model's answer. */
export interface Description {
  text: string;
  /** The provider's id of the request (Gemini's responseId). */
  taskId: string;
  /** What the provider reported it cost, if it did. */
  cost?: Cost;
}

/** What a provider needs to connect: dependencies come in, they are not reached for. */
export interface ProviderOptions {
  baseUrl: string;
  apiKey: string;
  http: HttpClient;
  settings: ProviderSettings;
}

/** A provider's profile (core) plus how to connect to it. */
export interface ProviderDefinition extends ProviderProfile {
  /** A task can be looked up again by its id (false for Gemini: one synchronous call, nothing to poll). */
  resumable: boolean;
  /** The provider answers a repeated `Idempotency-Key` with the first task (none is known to, today). */
  honoursIdempotencyKey?: boolean;
  /** Largest JSON answer in bytes it may send (Gemini's inline 4K images), unless the config says otherwise. */
  maxJsonBytes?: number;
  create(opts: ProviderOptions): ImageProvider;
  /** The provider's Batch API, where it has one (Gemini). */
  createBatch?(opts: ProviderOptions): BatchApi;
}
