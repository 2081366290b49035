import type { IncomingMessage, ServerResponse } from "node:http";
import { crc32, deflateSync } from "node:zlib";
import { errorAnswer } from "./error-answers.js";
import type { FaultKind } from "./fault-syntax.js";
import { routeProvider } from "./route-names.js";

/**
 * Hostile answers: what a service that drifts from its docs, or a hostile middlebox, sends.
 * Rewrites work on the answer the route already produced (so a submit is processed and
 * charged first), the rest answer in place of the route.
 */

/** An answer the route wrote, held back so a fault can rewrite it. */
export interface HeldAnswer {
  status: number;
  headers: Record<string, unknown>;
  body: Buffer;
}

/** The JSON rewrite for `shape`, `renamed`, `unknown-status` and `empty`; undefined leaves it. */
export function rewriteJson(kind: FaultKind, route: string, json: unknown): unknown {
  switch (kind) {
    case "shape":
      return { ok: true };
    case "renamed":
      return flipKeys(json);
    case "unknown-status":
      return mapKeys(json, (k, v) => ((k === "status" || k === "state") && typeof v === "string" ? "paused_for_review" : v));
    case "empty":
      return emptyFiles(route, json);
    default:
      return json;
  }
}

/** A status value no provider documents: a client must give up on it after a bounded wait. */
export const UNKNOWN_STATUS = "paused_for_review";

const camel = (k: string) => k.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** `task_id` → `taskId`, `taskId` → `task_id`, at every depth (`@type` and the like stay). */
function flipKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(flipKeys);
  if (!v || typeof v !== "object") return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k.includes("_") ? camel(k) : snake(k), flipKeys(x)]));
}

function mapKeys(v: unknown, f: (key: string, value: unknown) => unknown): unknown {
  if (Array.isArray(v)) return v.map((x) => mapKeys(x, f));
  if (!v || typeof v !== "object") return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, mapKeys(f(k, x), f)]));
}

/** A parsed answer, walked by the field names each provider uses. */
// biome-ignore lint/suspicious/noExplicitAny: the answer's shape is the route's own, checked field by field below
type Json = Record<string, any>;

/** The same finished answer with no files in it, in each provider's own place for them. */
function emptyFiles(route: string, json: unknown): unknown {
  const j = structuredClone(json) as Json;
  if (!j || typeof j !== "object") return j;
  if (route === "apidot.status" && j.data?.status === "finished") {
    if (j.data.output) j.data.output.files = [];
    j.data.files = [];
  } else if (route === "revid.query" && j.data?.state === "success") {
    j.data.resultJson = JSON.stringify({ resultUrls: [] });
  } else if (route === "fal.result" && Array.isArray(j.images)) {
    j.images = [];
  } else if (route === "gemini.generate" && Array.isArray(j.candidates)) {
    for (const c of j.candidates as Json[]) {
      if (Array.isArray(c.content?.parts)) c.content.parts = c.content.parts.filter((p: Json) => !(p.inlineData && !p.thought));
    }
  }
  return j;
}

/** Writes `answer` one byte every `msPerByte` ms; stops when the client goes away. */
export function trickle(res: ServerResponse, answer: HeldAnswer, msPerByte: number): void {
  res.writeHead(answer.status, { ...answer.headers, "content-length": answer.body.length });
  let i = 0;
  const timer = setInterval(() => {
    if (res.destroyed) return clearInterval(timer);
    if (i >= answer.body.length) {
      clearInterval(timer);
      res.end();
      return;
    }
    res.write(answer.body.subarray(i, ++i));
  }, msPerByte);
  res.on("close", () => clearInterval(timer));
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * A body of `mb` megabytes, made as it is sent (the simulator never holds it): an image that
 * never ends on downloads, a JSON object with one endless string elsewhere. Chunked, so the
 * client learns its size only by reading it.
 */
export function huge(res: ServerResponse, route: string, mb: number): void {
  const total = mb * 1024 * 1024;
  const image = route === "files";
  const head = image ? PNG_SIGNATURE : Buffer.from('{"padding":"');
  const tail = image ? Buffer.alloc(0) : Buffer.from('"}');
  const chunk = Buffer.alloc(64 * 1024, image ? 0 : 0x61);
  res.writeHead(200, { "content-type": image ? "image/png" : "application/json; charset=utf-8" });
  let sent = 0;
  const pump = () => {
    if (sent === 0) (sent += head.length), res.write(head);
    while (!res.destroyed && sent < total - tail.length) {
      const n = Math.min(chunk.length, total - tail.length - sent);
      sent += n;
      if (!res.write(n === chunk.length ? chunk : chunk.subarray(0, n))) return void res.once("drain", pump);
    }
    if (!res.destroyed) res.end(tail);
  };
  pump();
}

/** A 401 in the provider's shape whose message repeats every credential the request carried. */
export function leakKey(req: IncomingMessage, route: string, url: URL): ReturnType<typeof errorAnswer> {
  const sent = ["authorization", "x-goog-api-key", "x-api-key"]
    .filter((h) => req.headers[h] !== undefined)
    .map((h) => `${h}: ${req.headers[h]}`);
  const key = url.searchParams.get("key");
  if (key) sent.push(`key=${key}`);
  const message = `Invalid credentials. The request was sent with ${sent.join(", ") || "no credentials"}.`;
  return errorAnswer(routeProvider(route), 401, message);
}

/** Sends the client back to the same URL (one more hop each time): a loop it must break. */
export function redirectLoop(req: IncomingMessage, res: ServerResponse, url: URL): void {
  const next = new URL(url);
  next.searchParams.set("hop", String(Number(url.searchParams.get("hop") ?? 0) + 1));
  // 307 keeps the method and body, so a submit loops as a submit.
  res.writeHead(req.method === "GET" ? 302 : 307, { location: `${next.pathname}${next.search}`, "content-length": 0 });
  res.end();
}

const giants = new Map<number, Buffer>();

/**
 * A valid PNG of `side`×`side` pixels, 1-bit grey, black and white stripes: tens of KB on the wire, `side²`
 * pixels for whoever decodes it. Built by hand (a 32 MB deflate of zero rows), kept per size.
 */
export function giantPng(side: number): Buffer {
  let png = giants.get(side);
  if (!png) {
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(side, 0);
    ihdr.writeUInt32BE(side, 4);
    ihdr.set([1, 0, 0, 0, 0], 8); // bit depth 1, greyscale, deflate, no filter, no interlace
    const stride = 1 + Math.ceil(side / 8);
    const rows = Buffer.alloc(stride * side); // filter byte 0 and black pixels, row after row
    // Every other row white: a picture to the quality gates (a flat one is rejected as blank), still a few KB deflated.
    for (let r = 1; r < side; r += 2) rows.fill(0xff, r * stride + 1, (r + 1) * stride);
    png = Buffer.concat([PNG_SIGNATURE, pngChunk("IHDR", ihdr), pngChunk("IDAT", deflateSync(rows)), pngChunk("IEND", Buffer.alloc(0))]);
    giants.set(side, png);
  }
  return png;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, "ascii");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}
