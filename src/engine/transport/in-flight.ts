import { subscribe } from "node:diagnostics_channel";

type Message = { request: object };

const open = new Set<object>();
const listeners = new Set<(inFlight: number) => void>();
let watching = false;

/**
 * Calls `onChange` with the number of HTTP requests in flight (created, not yet answered in
 * full or failed) each time it changes. Observed on undici's diagnostics channels, so the
 * request path itself is unchanged. For the life of the process.
 */
export function watchRequestsInFlight(onChange: (inFlight: number) => void): void {
  if (!watching) {
    watching = true;
    const done = (m: unknown) => {
      if (open.delete((m as Message).request)) for (const l of listeners) l(open.size);
    };
    subscribe("undici:request:create", (m) => {
      open.add((m as Message).request);
      for (const l of listeners) l(open.size);
    });
    subscribe("undici:request:trailers", done);
    subscribe("undici:request:error", done);
  }
  listeners.add(onChange);
}
