import { excerptOf, HttpError } from "../transport/errors.js";
import { isNoAnswer, isProvenRefusal } from "../transport/retry.js";
import type { CallOptions, ImageProvider, ImageRequest, Submission } from "../providers/types.js";
import type { EventSink } from "./events.js";
import type { ProviderPlace } from "./provider-place.js";

/** Resubmits after unknown outcomes, at most this many times per asset. */
const MAX_UNKNOWN_RESUBMITS = 2;

/** The submit failed. `refused`: the provider surely created nothing; else a paid task may exist. */
export class SubmitError extends Error {
  override name = "SubmitError";
  constructor(
    message: string,
    readonly possibleDuplicate?: string,
    readonly refused = false,
    /** The start of an answer that could not be read, kept in the journal. */
    readonly excerpt?: string,
  ) {
    super(message);
  }
}

/**
 * Submits a paid request. The one retry policy already repeats a submit that was refused
 * (429, 5xx) or never sent. A submit that was sent and got no answer at all (reset, timeout)
 * (or a garbled body) may have created a task; APIDot, fal and Revid have no idempotency key and no way to list
 * tasks, so there is nothing to consult. It is submitted again (when `resubmit` allows) and
 * the asset is reported as a possible duplicate charge: never silent. An answer that came but
 * could not be read (valid JSON of the wrong shape) is never sent again: it would most likely be unreadable again, and paid again.
 */
export async function submitPaid(
  provider: ImageProvider,
  req: ImageRequest,
  opts: CallOptions & { name: string; resubmit: boolean; emit: EventSink; place?: Pick<ProviderPlace, "take" | "answered"> },
): Promise<{ sub: Submission; possibleDuplicate?: string }> {
  const unknown: string[] = [];
  for (;;) {
    // A synchronous answer frees the place when its bytes are in; a submit sent again takes one anew.
    await opts.place?.take();
    try {
      const sub = await provider.submit(req, {
        signal: opts.signal,
        onRetry: opts.onRetry,
        idempotencyKey: opts.idempotencyKey,
        answered: opts.place?.answered,
      });
      return { sub, possibleDuplicate: unknown.length ? duplicateReason(unknown) : undefined };
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      if (isProvenRefusal(err)) throw new SubmitError(msg, unknown.length ? duplicateReason(unknown) : undefined, true);
      unknown.push(msg);
      // A torn or garbled body is a transport accident like a reset; a well-formed answer of the
      // wrong shape would come back the same way, and be paid again.
      const accident = isNoAnswer(err) || (err instanceof HttpError && err.info.code === "malformed_json");
      if (!accident) {
        const excerpt = err instanceof HttpError ? err.info.excerpt : undefined;
        throw new SubmitError(
          `submit outcome unknown (${msg}): a paid task may exist; not submitting again. Check the provider's dashboard; the intent stays in .nanobanana/tasks until it is settled`,
          duplicateReason(unknown),
          false,
          excerpt ?? excerptOf(msg),
        );
      }
      if (!opts.resubmit) {
        throw new SubmitError(
          `submit outcome unknown (${msg}): a paid task may exist; not submitting again (resubmitUnknown: false). Check the provider's dashboard, then build again.`,
          duplicateReason(unknown),
        );
      }
      if (unknown.length > MAX_UNKNOWN_RESUBMITS)
        throw new SubmitError(`submit outcome unknown ${unknown.length} times; giving up`, duplicateReason(unknown));
      opts.emit({
        type: "warning",
        name: opts.name,
        message: `submit got no usable answer (${msg}); a paid task may exist; submitting again and reporting a possible duplicate`,
      });
    }
  }
}

function duplicateReason(unknown: string[]): string {
  const n = unknown.length;
  return `${n} submit${n > 1 ? "s" : ""} got no usable answer (${unknown[n - 1]}); each may have created a paid task that cannot be looked up`;
}
