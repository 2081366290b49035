import { randomBytes } from "node:crypto";
import { costOf, type PriceOverrides } from "../../core/catalog/prices.js";
import { HttpError } from "../transport/errors.js";
import { scrubSecrets } from "../transport/scrub.js";
import type {
  CallOptions,
  Cost,
  DescribeRequest,
  Description,
  ImageProvider,
  ImageRequest,
  ProviderDefinition,
  Submission,
  TaskHandle,
  TaskStatus,
} from "./types.js";

/** The provider keeps no task to look up again (its definition says `resumable: false`). */
export class NotResumableError extends Error {
  override name = "NotResumableError";
}

export interface RuntimeOptions {
  prices?: PriceOverrides;
  /** Values scrubbed from every message (the API key). */
  secrets?: string[];
}

/**
 * What every provider shares around its adapter: the idempotency key of a submit, whether it
 * is honoured, the cost of a finished task (the one `costOf`), whether a task can be looked up
 * again, and credentials scrubbed from every message before it leaves. The build talks to
 * this, never to an adapter directly.
 */
export class ProviderRuntime implements ImageProvider {
  readonly name: ImageProvider["name"];

  constructor(
    readonly definition: ProviderDefinition,
    private readonly adapter: ImageProvider,
    private readonly opts: RuntimeOptions = {},
  ) {
    this.name = adapter.name;
  }

  /** Tasks can be polled again after a restart. */
  get resumable(): boolean {
    return this.definition.resumable && typeof this.adapter.status === "function";
  }

  /** A fresh idempotency key for a spec's submit; journalled before the submit is sent. */
  newKey(hash: string): string {
    return `nb-${hash.slice(0, 16)}-${randomBytes(8).toString("hex")}`;
  }

  async submit(req: ImageRequest, opts: CallOptions = {}): Promise<Submission> {
    try {
      const sub = await this.adapter.submit(req, { ...opts, idempotent: this.definition.honoursIdempotencyKey === true });
      return sub.status ? { ...sub, status: this.finish(req, sub.status) } : sub;
    } catch (err) {
      throw this.scrubError(err);
    }
  }

  async status(task: TaskHandle, req: ImageRequest, opts: CallOptions = {}): Promise<TaskStatus> {
    if (!this.resumable || !this.adapter.status)
      throw new NotResumableError(`${this.name} keeps no task to look up again; task ${task.taskId} cannot be fetched`);
    try {
      return this.finish(req, await this.adapter.status(task, req, opts));
    } catch (err) {
      throw this.scrubError(err);
    }
  }

  /** Whether the provider has a text model to describe images with. */
  get describes(): boolean {
    return typeof this.adapter.describe === "function";
  }

  /** A description of an image (`alt: auto`), its cost the provider's figure or `listedUsd`. */
  async describeImage(req: DescribeRequest, listedUsd: number, opts: CallOptions = {}): Promise<Description & { cost: Cost }> {
    if (!this.adapter.describe) throw new Error(`${this.name} has no text model to describe images with`);
    try {
      const d = await this.adapter.describe(req, opts);
      return { ...d, text: this.scrub(d.text), cost: d.cost ?? { usd: listedUsd, source: "catalog" } };
    } catch (err) {
      throw this.scrubError(err);
    }
  }

  /** The cost of one image of `req` (what the provider reported, else the listed price). */
  cost(req: Pick<ImageRequest, "model" | "resolution">, reported?: Cost): Cost {
    return costOf({ provider: this.name, model: req.model, resolution: req.resolution }, this.opts.prices, reported);
  }

  scrub(text: string): string {
    return scrubSecrets(text, this.opts.secrets);
  }

  private finish(req: ImageRequest, status: TaskStatus): TaskStatus {
    switch (status.state) {
      case "succeeded":
        return { ...status, cost: this.cost(req, status.cost) };
      case "failed":
      case "empty":
        return { ...status, message: this.scrub(status.message) };
      case "blocked":
        return { ...status, reason: this.scrub(status.reason), message: status.message && this.scrub(status.message) };
      default:
        // A status value the adapter does not know ends up in a message: scrubbed, and short.
        return status.unknown === undefined ? status : { ...status, unknown: clipValue(this.scrub(status.unknown)) };
    }
  }

  private scrubError(err: unknown): unknown {
    if (err instanceof Error) {
      err.message = this.scrub(err.message);
      if (err instanceof HttpError && err.info.excerpt) err.info.excerpt = this.scrub(err.info.excerpt);
    }
    return err;
  }
}

/** At most 80 characters of a value a provider sent, for a message. */
function clipValue(s: string): string {
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
