// What the CLI bundle gets for `import { Agent, request } from "undici"` (scripts/bundle-cli.mjs
// aliases it): undici's Agent and request API alone. undici's index also loads fetch,
// WebSocket, the cache, mock and proxy dispatchers, and through a global it touches Node's own
// copy of undici: 40-45 ms before a build's first request, against 18-20 ms for these two
// files (issue 9). They are undici's own files, found by path (it has no exports map) in the
// version the lockfile pins: a release that moves them fails the bundle's build, never a user's
// install. The library (dist/) imports undici's index as before.
"use strict";
const Agent = require("undici/lib/dispatcher/agent.js");
const requestApi = require("undici/lib/api/api-request.js");

/** undici's `request(url, options)` on `options.dispatcher`, as its index makes it (index.js, makeDispatcher). */
function request(url, opts) {
  const u = typeof url === "string" ? new URL(url) : url;
  // As undici's parseURL: anything but http(s) is refused at once, never sent (or retried).
  if (u.protocol !== "http:" && u.protocol !== "https:")
    throw new TypeError("Invalid URL protocol: the URL must start with `http:` or `https:`.");
  const { dispatcher, ...rest } = opts;
  return requestApi.call(dispatcher, {
    ...rest,
    origin: u.origin,
    path: u.search ? `${u.pathname}${u.search}` : u.pathname,
    method: opts.method || (opts.body ? "PUT" : "GET"),
  });
}

module.exports = { Agent, request };
