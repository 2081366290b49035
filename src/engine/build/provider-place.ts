import type { ProviderGate } from "./provider-slots.js";
import { nextRequestFirst } from "./run-helpers.js";

/**
 * One asset's place at the provider (the build's and the provider's concurrency caps): held
 * from the submit through the polls. A synchronous provider's answer frees it as soon as its
 * bytes are in (`answered`), before they are read, so that the next asset's request is not
 * held behind this answer's parse, nor behind the other answers that came in the same turn.
 * A submit sent again after that (a garbled answer) takes a place anew first.
 */
export class ProviderPlace {
  private release?: () => void;

  constructor(
    private readonly gate: ProviderGate | undefined,
    private readonly signal?: AbortSignal,
  ) {}

  /** Waits for a place unless one is held. */
  async take(): Promise<void> {
    if (!this.release && this.gate) this.release = await this.gate.acquire(this.signal);
  }

  /** Frees the place; true when one was held. */
  free(): boolean {
    const release = this.release;
    this.release = undefined;
    release?.();
    return release !== undefined;
  }

  /** The answer is in: frees the place, then waits until the request it lets go has been written. */
  readonly answered = async (): Promise<void> => {
    if (this.free()) await nextRequestFirst();
  };
}
