import { randomBytes } from "node:crypto";
import type { ServerResponse } from "node:http";
import type { SimContext, SimRoute } from "./context.js";
import { injectedFault } from "./faults.js";
import { googleError, rejectKey } from "./gemini.js";
import { sendJson } from "./http-util.js";
import type { SimState } from "./state.js";

/** Files live 48 hours at Google; the simulator keeps them until it stops. */
const FILE_TTL_MS = 48 * 3600_000;
/** Google's cap on one file. */
const MAX_FILE_BYTES = 2 * 1024 ** 3;

/** A file of the Files API: uploaded bytes, or a batch job's results written as they are read. */
export interface SimFile {
  id: string;
  displayName: string;
  mimeType: string;
  createdAt: number;
  /** Uploaded content. */
  data?: Buffer;
  /** A results file: its JSONL lines, produced one at a time while the download streams. */
  lines?: () => AsyncIterable<string>;
  /** How many lines a results file has. */
  lineCount?: number;
}

interface UploadSession {
  displayName: string;
  mimeType: string;
  declared: number;
  chunks: Buffer[];
  received: number;
}

/** The Files API's memory, kept beside a SimState (cleared with it). */
export class SimFiles {
  readonly files = new Map<string, SimFile>();
  readonly sessions = new Map<string, UploadSession>();

  add(file: Omit<SimFile, "id" | "createdAt">, now: number): SimFile {
    const f = { ...file, id: randomBytes(6).toString("hex"), createdAt: now };
    this.files.set(f.id, f);
    return f;
  }
}

const registry = new WeakMap<SimState, SimFiles>();

/** The Files API state of a simulator. */
export function simFiles(state: SimState): SimFiles {
  let f = registry.get(state);
  if (!f) {
    const made = new SimFiles();
    registry.set(state, made);
    state.resetHooks.push(() => (made.files.clear(), made.sessions.clear()));
    f = made;
  }
  return f;
}

/** The File resource as Google answers it. */
export function fileResource(ctx: SimContext, f: SimFile): Record<string, unknown> {
  return {
    name: `files/${f.id}`,
    displayName: f.displayName,
    mimeType: f.mimeType,
    ...(f.data ? { sizeBytes: String(f.data.length) } : {}),
    createTime: new Date(f.createdAt).toISOString(),
    updateTime: new Date(f.createdAt).toISOString(),
    expirationTime: new Date(f.createdAt + FILE_TTL_MS).toISOString(),
    uri: `${ctx.origin()}/v1beta/files/${f.id}`,
    downloadUri: `${ctx.origin()}/download/v1beta/files/${f.id}:download?alt=media`,
    state: "ACTIVE",
    source: f.lines ? "GENERATED" : "UPLOADED",
  };
}

const UPLOAD = /^\/upload\/(v1beta|v1)\/files$/;
const FILE = /^\/(?:download\/)?(v1beta|v1)\/files\/([^/:]+)(:download)?$/;

/**
 * Files API: resumable upload (`POST /upload/v1beta/files` with `X-Goog-Upload-Command: start`,
 * then the bytes to the `x-goog-upload-url` it answers with `upload, finalize`; `query` tells
 * how much arrived), `GET`/`DELETE /v1beta/files/{id}`, and the download
 * `GET /download/v1beta/files/{id}:download?alt=media` (the SDK sends it without /download).
 */
export const geminiFilesRoute: SimRoute = async (ctx, req, res, url) => {
  const up = UPLOAD.exec(url.pathname);
  const file = FILE.exec(url.pathname);
  if (!up && !file) return false;
  const files = simFiles(ctx.state);
  if (up) {
    ctx.state.count("gemini.upload");
    const session = url.searchParams.get("upload_id");
    if (!session) {
      if (rejectKey(req, res, url)) return true;
      return (start(ctx, files, req, res, url), true);
    }
    return (await receive(ctx, files, session, req, res), true);
  }
  const [, , id, download] = file!;
  ctx.state.count(download ? "gemini.download" : "gemini.files");
  if (rejectKey(req, res, url)) return true;
  const f = files.files.get(id);
  if (!f) return (googleError(res, 404, "NOT_FOUND", `File files/${id} not found or not accessible.`), true);
  if (req.method === "DELETE") {
    files.files.delete(id);
    return (sendJson(res, 200, {}), true);
  }
  if (!download) return (sendJson(res, 200, fileResource(ctx, f)), true);
  await streamFile(f, res);
  return true;
};

function start(ctx: SimContext, files: SimFiles, req: Parameters<SimRoute>[1], res: ServerResponse, url: URL): void {
  const h = (name: string) => req.headers[name] as string | undefined;
  if (h("x-goog-upload-protocol") !== "resumable" || h("x-goog-upload-command") !== "start") {
    // The simulator speaks only the resumable protocol (what the SDK and nanobanana send).
    return googleError(
      res,
      400,
      "INVALID_ARGUMENT",
      "Only X-Goog-Upload-Protocol: resumable with X-Goog-Upload-Command: start is supported here.",
    );
  }
  const declared = Number(h("x-goog-upload-header-content-length") ?? Number.NaN);
  if (!Number.isFinite(declared) || declared < 0 || declared > MAX_FILE_BYTES)
    return googleError(res, 400, "INVALID_ARGUMENT", "X-Goog-Upload-Header-Content-Length must be between 0 and 2 GB.");
  let meta: { file?: Record<string, unknown> } = {};
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    try {
      meta = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
    } catch {
      meta = {};
    }
    const f = meta.file ?? {};
    const id = randomBytes(9).toString("hex");
    files.sessions.set(id, {
      displayName: String(f.displayName ?? f.display_name ?? ""),
      mimeType: String(h("x-goog-upload-header-content-type") ?? f.mimeType ?? f.mime_type ?? "application/octet-stream"),
      declared,
      chunks: [],
      received: 0,
    });
    const uploadUrl = `${ctx.origin()}${url.pathname}?upload_id=${id}&upload_protocol=resumable`;
    res.writeHead(200, {
      "x-goog-upload-url": uploadUrl,
      "x-goog-upload-status": "active",
      "x-goog-upload-chunk-granularity": "8388608",
      "content-length": 0,
    });
    res.end();
  });
}

async function receive(ctx: SimContext, files: SimFiles, id: string, req: Parameters<SimRoute>[1], res: ServerResponse): Promise<void> {
  const s = files.sessions.get(id);
  if (!s) return googleError(res, 404, "NOT_FOUND", "Upload session not found (it may have been finalized or expired).");
  const command = String(req.headers["x-goog-upload-command"] ?? "").toLowerCase();
  const status = (v: string, extra: Record<string, string> = {}) => ({ "x-goog-upload-status": v, ...extra });
  if (command === "query") {
    for await (const _ of req);
    res.writeHead(200, { ...status("active"), "x-goog-upload-size-received": String(s.received), "content-length": 0 });
    return void res.end();
  }
  const offset = Number(req.headers["x-goog-upload-offset"] ?? 0);
  if (offset !== s.received) {
    for await (const _ of req);
    return googleError(res, 400, "INVALID_ARGUMENT", `X-Goog-Upload-Offset ${offset} does not match the ${s.received} bytes received.`);
  }
  for await (const c of req) {
    s.chunks.push(c as Buffer);
    s.received += (c as Buffer).length;
    if (s.received > MAX_FILE_BYTES) return googleError(res, 413, "INVALID_ARGUMENT", "The file is over 2 GB.");
  }
  if (!command.includes("finalize")) {
    res.writeHead(200, { ...status("active"), "content-length": 0 });
    return void res.end();
  }
  files.sessions.delete(id);
  const f = files.add({ displayName: s.displayName, mimeType: s.mimeType, data: Buffer.concat(s.chunks) }, ctx.now());
  sendJson(res, 200, { file: fileResource(ctx, f) }, status("final"));
}

/** Writes a file, respecting backpressure; a results file is produced line by line. */
async function streamFile(f: SimFile, res: ServerResponse): Promise<void> {
  const fault = injectedFault();
  if (f.data) {
    res.writeHead(200, { "content-type": f.mimeType, "content-length": f.data.length });
    return void res.end(f.data);
  }
  res.writeHead(200, { "content-type": "application/jsonl" });
  const cut = Math.floor((f.lineCount ?? 0) / 2);
  let n = 0;
  for await (const line of f.lines!()) {
    // `truncate`: the connection drops in the middle of the file (a line is cut short).
    if (fault === "truncate" && n++ === cut) {
      res.write(line.slice(0, Math.floor(line.length / 2)), () => res.destroy());
      return;
    }
    if (res.destroyed) return;
    if (!res.write(`${line}\n`)) await drained(res);
  }
  // `hang`: every line is sent, the end never is.
  if (fault === "hang") return void setTimeout(() => res.destroy(), 600_000).unref();
  res.end();
}

/** Resolves when the response can take more, or is gone. */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.on("drain", done);
    res.on("close", done);
  });
}
