/**
 * The transport's one door to undici, loaded on first use (`import("./undici.js")`): its
 * Agent and its request API, and nothing else. undici's index also loads fetch, WebSocket,
 * the cache, mock and proxy dispatchers, and through a global it touches Node's own copy of
 * undici: 40-45 ms before a build's first request, against 18-20 ms for these two files
 * (issue 9). undici has no exports map, so both load by path; the transport's tests load them,
 * so a release that moves them fails there first.
 */
import type { Dispatcher } from "undici";
import AgentClass from "undici/lib/dispatcher/agent.js";
import requestApi from "undici/lib/api/api-request.js";

export const Agent: typeof import("undici").Agent = AgentClass;

/** What `request` takes: undici's request options, with the dispatcher to send on (never the global one). */
export type RequestOptions = Omit<Dispatcher.RequestOptions, "origin" | "path"> & { dispatcher: Dispatcher };

/** undici's `request(url, options)` on `options.dispatcher`. */
export function request(url: string, opts: RequestOptions): Promise<Dispatcher.ResponseData> {
  const { dispatcher, ...rest } = opts;
  const u = new URL(url);
  return requestApi.call(dispatcher, { ...rest, origin: u.origin, path: u.pathname + u.search });
}
