import type { WatchEvent, Watcher } from "../../src/engine/watch/types.js";

/** Resolves with the next event matching `pred` (subscribe before causing it). */
export function next<T extends WatchEvent["type"]>(
  w: Watcher,
  type: T,
  pred: (e: Extract<WatchEvent, { type: T }>) => boolean = () => true,
  timeoutMs = 60_000,
): Promise<Extract<WatchEvent, { type: T }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no ${type} event within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = w.on((e) => {
      if (e.type === type && pred(e as Extract<WatchEvent, { type: T }>)) {
        clearTimeout(timer);
        off();
        resolve(e as Extract<WatchEvent, { type: T }>);
      }
    });
  });
}

/** The next finished build that generated (or restored) something. */
export function nextBuild(w: Watcher) {
  return next(w, "build-end", (e) => e.result.generated + e.result.failed > 0);
}

/** Collects every event from now on. */
export function record(w: Watcher): WatchEvent[] {
  const events: WatchEvent[] = [];
  w.on((e) => events.push(e));
  return events;
}
