import { randomBytes } from "node:crypto";
import { createReadStream, existsSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import type { LockEntry } from "../../core/lock/types.js";
import type { Project } from "../../core/project.js";
import { urlPath } from "../../core/report/escape.js";
import { renderCard } from "../../core/report/render-card.js";
import { renderReport, renderTotals, subKey } from "../../core/report/render-page.js";
import type { LastOutcome } from "../../core/report/rows.js";
import type { Watcher } from "../watch/types.js";
import { reportPage } from "./report.js";
import { ThumbnailCache } from "./thumbnails.js";

export interface LiveReportOptions {
  /** The watch session whose builds the page follows. */
  watcher: Watcher;
  /** The project root (thumbnails are cached under its .nanobanana/). */
  root: string;
  /** Loads the current project (the page follows manifest edits); undefined while it does not load. */
  load: () => Project | undefined;
  /** Port on 127.0.0.1 (default 0: a free one). */
  port?: number;
  /** The secret path segment (default: 16 random bytes, hex). */
  token?: string;
  /** Acts on a pick button: makes take `k` the asset's output. Without it, picks answer 404. */
  pick?: (name: string, k: number) => Promise<void>;
}

export interface LiveReport {
  /** The page's URL, token included: `http://127.0.0.1:PORT/TOKEN/`. */
  url: string;
  close(): Promise<void>;
}

/**
 * The live page of `watch --serve`: the report, served on 127.0.0.1 under a random token, kept
 * current over server-sent events. A generated asset's card (with its new thumbnail) is pushed
 * as soon as the build reports it, before the lockfile on disk catches up.
 */
export async function serveLiveReport(opts: LiveReportOptions): Promise<LiveReport> {
  const token = opts.token ?? randomBytes(16).toString("hex");
  const clients = new Set<ServerResponse>();
  const lockOverlay: Record<string, LockEntry> = {};
  const lastOverlay: Record<string, LastOutcome> = {};
  let project = opts.load();
  const live = { token };
  const page = (p: Project) => reportPage(p, { live, lockOverlay, lastOverlay, imageHref: (output) => `files/${urlPath(output)}` });

  const send = (event: string, data: unknown) => {
    const frame = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const c of clients) c.write(frame);
  };

  // Cards to refresh, coalesced: one page computation serves every asset that landed meanwhile.
  const dirty = new Set<string>();
  let flushing: Promise<void> | undefined;
  let again = false;
  const refresh = (names: string[], totals = false) => {
    for (const n of names) dirty.add(n);
    if (totals) dirty.add("\u0000totals");
    if (flushing) {
      again = true;
      return;
    }
    flushing = (async () => {
      do {
        again = false;
        const wanted = [...dirty];
        dirty.clear();
        project = opts.load() ?? project;
        if (!project) continue;
        const built = await page(project);
        const rows = new Map(built.page.rows.map((r) => [r.name, r]));
        // A take lands in its asset's card.
        const owner = new Map(project.assets.flatMap((a) => (a.take ? [[a.name, a.take.of] as const] : [])));
        for (const name of new Set(wanted.map((n) => owner.get(n) ?? n))) {
          if (name === "\u0000totals") {
            send("totals", { html: renderTotals(built.page.totals) });
            continue;
          }
          const row = rows.get(name);
          if (row) send("card", { id: row.id, sub: subKey(row), html: renderCard(row, { live: true }) });
        }
      } while (again);
    })()
      .catch(() => {})
      .finally(() => {
        flushing = undefined;
      });
  };

  const off = opts.watcher.on((e) => {
    if (e.type === "build") {
      const b = e.event;
      if (b.type === "generated" && b.entry) {
        lockOverlay[b.name] = b.entry;
        lastOverlay[b.name] = { status: "generated", hash: b.entry.hash };
        refresh([b.name]);
      } else if (b.type === "failed" || b.type === "blocked") {
        const hash = opts.load()?.assets.find((a) => a.name === b.name)?.hash ?? "";
        lastOverlay[b.name] = { status: b.type, hash, error: b.type === "failed" ? b.error : b.reason };
        refresh([b.name]);
      } else if (b.type === "plan") {
        refresh(b.plan.items.filter((i) => i.action !== "up-to-date").map((i) => i.name));
      }
    } else if (e.type === "build-end") {
      refresh([], true);
    } else if (e.type === "change" && e.files.some((f) => !f.endsWith(".lock"))) {
      // A manifest edit may add or remove assets: a card with no place on the page reloads it.
      project = opts.load() ?? project;
    }
  });

  const thumbs = new ThumbnailCache(path.join(opts.root, ".nanobanana"));
  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end(String((err as Error)?.message ?? err));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const prefix = `/${token}/`;
    if (!url.pathname.startsWith(prefix)) return void res.writeHead(404).end("not found");
    const rest = decodeURIComponent(url.pathname.slice(prefix.length));
    const thumb = /^thumbs\/([0-9a-f]{64})\.webp$/.exec(rest);
    if (req.method === "GET" && thumb) return serveFile(res, thumbs.file(thumb[1]!), "image/webp");
    const p = (project = opts.load() ?? project);
    if (!p) return void res.writeHead(503, { "content-type": "text/plain" }).end("the project does not load; fix it and reload");
    if (req.method === "GET" && rest === "") {
      const html = renderReport((await page(p)).page);
      return void res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" }).end(html);
    }
    if (req.method === "GET" && rest === "events") {
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-store", connection: "keep-alive" });
      res.write("event: hello\ndata: {}\n\n");
      clients.add(res);
      req.on("close", () => clients.delete(res));
      return;
    }
    if (req.method === "GET" && rest.startsWith("files/")) {
      const output = rest.slice("files/".length);
      // Only the project's own outputs: the page never serves any other file.
      if (!p.assets.some((a) => a.output === output)) return void res.writeHead(404).end("not an output of this project");
      return serveFile(res, path.join(p.root, output), contentType(output));
    }
    if (req.method === "POST" && rest === "pick") {
      if (!opts.pick) return void res.writeHead(404).end("picking is not available");
      const body = JSON.parse(await readBody(req)) as { name?: unknown; k?: unknown };
      if (typeof body.name !== "string" || !Number.isInteger(body.k)) return void res.writeHead(400).end("expected {name, k}");
      try {
        await opts.pick(body.name, body.k as number);
      } catch (err) {
        return void res.writeHead(400, { "content-type": "text/plain" }).end((err as Error).message);
      }
      refresh([body.name], true);
      return void res.writeHead(204).end();
    }
    res.writeHead(404).end("not found");
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/${token}/`,
    close: async () => {
      off();
      for (const c of clients) c.end();
      clients.clear();
      await flushing;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

function serveFile(res: ServerResponse, file: string, type: string): void {
  if (!existsSync(file)) return void res.writeHead(404).end("not found");
  res.writeHead(200, { "content-type": type, "cache-control": "no-store" });
  createReadStream(file).pipe(res);
}

function contentType(file: string): string {
  const ext = path.extname(file).toLowerCase();
  return ext === ".png" ? "image/png" : ext === ".webp" ? "image/webp" : "image/jpeg";
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = "";
    req.setEncoding("utf8");
    req.on("data", (d: string) => {
      data += d;
      if (data.length > 64_000) req.destroy(new Error("body too large"));
    });
    req.on("end", () => resolve(data));
    req.on("error", reject);
  });
}
