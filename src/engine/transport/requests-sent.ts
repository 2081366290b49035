import { subscribe, unsubscribe } from "node:diagnostics_channel";

type Message = { request: object };

/**
 * Resolves the first time that every request created from now on (at least one) has been
 * written to its socket or has failed, with a full turn of the event loop in which no new
 * one appeared: the moment a build's first burst of requests is on its way, after which a
 * long synchronous task (loading the image codec) no longer delays any of them. Observed on
 * undici's diagnostics channels (`undici:request:create`, `undici:client:sendHeaders`,
 * `undici:request:error`), so the request path itself is unchanged.
 */
export function whenRequestsSent(): Promise<void> {
  return new Promise((resolve) => {
    const unsent = new Set<object>();
    let created = 0;
    let checking = false;
    const onCreate = (m: unknown) => {
      created++;
      unsent.add((m as Message).request);
    };
    const onGone = (m: unknown) => {
      unsent.delete((m as Message).request);
      if (created > 0 && unsent.size === 0 && !checking) {
        checking = true;
        // Requests started in the same turn are created before this runs.
        setImmediate(() => {
          checking = false;
          if (unsent.size > 0) return;
          unsubscribe("undici:request:create", onCreate);
          unsubscribe("undici:client:sendHeaders", onGone);
          unsubscribe("undici:request:error", onGone);
          resolve();
        });
      }
    };
    subscribe("undici:request:create", onCreate);
    subscribe("undici:client:sendHeaders", onGone);
    subscribe("undici:request:error", onGone);
  });
}
