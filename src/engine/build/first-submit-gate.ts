/**
 * Lets the first submit of a build go alone; the others wait until its answer is recorded
 * (or it failed). A freshly started process runs its submit path cold (JIT, first file
 * writes), so the gap between a provider accepting a submit and the journal recording its
 * task id is widest for the very first answers; a kill then could lose a whole burst of
 * `concurrency` ids at once. Warming the path with one submit narrows that to one, at the
 * price of one round trip per build. Only resumable providers get one: a provider that answers
 * with the image records nothing after the intent, so there is no path to warm.
 */
export class FirstSubmitGate {
  private state: "open-first" | "waiting" | "open" = "open-first";
  private release!: () => void;
  private readonly opened = new Promise<void>((resolve) => (this.release = resolve));

  /** Resolves when this caller may submit. */
  async enter(): Promise<void> {
    if (this.state === "open-first") {
      this.state = "waiting";
      return;
    }
    if (this.state === "waiting") await this.opened;
  }

  /** Whether the first submit's answer was recorded (every submit may go now). */
  get isOpen(): boolean {
    return this.state === "open";
  }

  /** The first submit was recorded (or failed): let everyone through. Idempotent. */
  open(): void {
    this.state = "open";
    this.release();
  }
}
