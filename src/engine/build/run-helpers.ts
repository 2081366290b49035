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
