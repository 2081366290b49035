import type { RunDeps } from "./run-types.js";
import type { ResolvedAsset } from "../../core/project.js";

/* Small helpers shared by the steps of running an asset. */
/** HTTP-layer retries as build events, so the CLI can say why an asset is slow. */
export function retryEvents(asset: ResolvedAsset, what: string, deps: RunDeps) {
  return (err: unknown, attempt: number, delayMs: number) =>
    deps.emit({ type: "retry", name: asset.name, what, attempt: attempt + 1, delayMs, error: message(err) });
}

export function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Why an asset whose task finished paid and empty has no image, and how to pay for a new one. */
export function paidEmptyMessage(taskId: string, why?: string): string {
  return `task ${taskId} finished without an image${why ? ` (${why})` : ""} and is paid; it stays recorded so no build pays for it again. To pay for a new one: nanobanana tasks forget ${taskId}`;
}

/**
 * Resolves two turns of the event loop's check phase from now: for an asset that has just
 * freed its place at the provider, so that the next asset's request goes out before this
 * one's image is checked and written. undici writes a request on an idle keep-alive
 * connection from the check phase (it first reads whatever the server may have sent on it),
 * so whatever runs before that phase holds the request: the image work started at once held
 * it a mean ~2 ms (a third of the requests over 2 ms) on a 200-image build, against ~0.1 ms for
 * a script with nothing else to do. The next request is made in the microtasks that follow
 * the release, so its write is queued in the first turn; the image work follows in the second.
 */
export function nextRequestFirst(): Promise<void> {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
}
