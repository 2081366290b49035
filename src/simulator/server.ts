import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { apidotRoute } from "./apidot.js";
import { falRoute } from "./fal.js";
import { geminiRoute } from "./gemini.js";
import { geminiBatchRoute } from "./gemini-batch.js";
import { geminiFilesRoute } from "./gemini-files.js";
import { revidRoute } from "./revid.js";
import type { SimContext, SimRoute, SimulatorOptions } from "./context.js";
import { FaultHook } from "./fault-hook.js";
import type { FaultsOption } from "./faults.js";
import { filePath, filesRoute } from "./files.js";
import { sendJson } from "./http-util.js";
import { SimState, type Charge } from "./state.js";
import { uploadsRoute } from "./uploads.js";

/** How long a simulated result URL stays valid, like a provider's signed CDN URL. */
const URL_TTL_MS = 60 * 60 * 1000;

/** A running simulator. */
export interface Simulator {
  /** Origin to use as every provider's base URL, e.g. http://127.0.0.1:43121 */
  readonly url: string;
  readonly state: SimState;
  /** What a real service would have charged, one entry per accepted paid task. */
  ledger(): Charge[];
  /** Requests served, by route (`apidot.submit`, `apidot.status`, `files`, …). */
  requestCounts(): Record<string, number>;
  /** Faults injected and requests refused by a limit, by `route:kind` (e.g. `files:truncate`). */
  faultCounts(): Record<string, number>;
  /** Replaces the fault rules and limits of the running simulator. */
  setFaults(faults: FaultsOption | undefined): void;
  close(): Promise<void>;
}

const adminRoute: SimRoute = async (ctx, req, res, url) => {
  if (url.pathname === "/__simulator/ledger" && req.method === "GET") {
    sendJson(res, 200, { charges: ctx.state.charges });
    return true;
  }
  if (url.pathname === "/__simulator/requests" && req.method === "GET") {
    sendJson(res, 200, Object.fromEntries(ctx.state.requests));
    return true;
  }
  if (url.pathname === "/__simulator/faults" && req.method === "GET") {
    sendJson(res, 200, ctx.faultCounts?.() ?? {});
    return true;
  }
  if (url.pathname === "/__simulator/reset" && req.method === "POST") {
    ctx.state.reset();
    sendJson(res, 200, { ok: true });
    return true;
  }
  return false;
};

const ROUTES: SimRoute[] = [
  apidotRoute,
  geminiRoute,
  geminiBatchRoute,
  geminiFilesRoute,
  falRoute,
  revidRoute,
  filesRoute,
  uploadsRoute,
  adminRoute,
];

/** Starts the simulator: a real HTTP server speaking each provider's protocol. */
export async function startSimulator(opts: SimulatorOptions = {}): Promise<Simulator> {
  const state = new SimState();
  let origin = "";
  const ctx: SimContext = {
    state,
    options: {
      latencyMs: opts.latencyMs ?? 400,
      idempotency: opts.idempotency ?? false,
      batchLatencyMs: opts.batchLatencyMs ?? 2000,
      fetchOrigins: (opts.fetchOrigins ?? []).map((o) => new URL(o).origin),
    },
    origin: () => origin,
    now: opts.now ?? (() => Date.now()),
    // Minted per status answer, like a real signed URL: an expired one is fixed by asking again.
    fileUrl: (task, index = 0) => `${origin}${filePath(task, index)}?expires=${ctx.now() + URL_TTL_MS}&sig=${task.imageKey.slice(0, 16)}`,
  };
  const faults = new FaultHook(state, opts.faults, opts.seed, ctx.now);
  ctx.faultCounts = () => faults.counts();
  const server: Server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? "/", origin);
      await faults.handle(req, res, url.pathname, async () => {
        for (const route of ROUTES) if (await route(ctx, req, res, url)) return;
        sendJson(res, 404, { error: { code: 404, message: `no route for ${req.method} ${url.pathname}`, status: "NOT_FOUND" } });
      });
    } catch (err) {
      if (!res.headersSent) sendJson(res, 500, { error: { code: 500, message: (err as Error).message, status: "INTERNAL" } });
      else res.destroy();
    }
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, opts.host ?? "127.0.0.1", () => resolve());
  });
  const addr = server.address() as AddressInfo;
  origin = `http://${addr.family === "IPv6" ? `[${addr.address}]` : addr.address}:${addr.port}`;
  return {
    url: origin,
    state,
    ledger: () => [...state.charges],
    requestCounts: () => Object.fromEntries(state.requests),
    faultCounts: () => faults.counts(),
    setFaults: (f) => faults.injector.set(f),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
