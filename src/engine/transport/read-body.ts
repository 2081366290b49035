import { createWriteStream } from "node:fs";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Dispatcher } from "undici";
import { HttpError } from "./errors.js";

/** A local write failed while a body streamed in (a full disk): the server is not to blame, nothing to retry. */
export class LocalWriteError extends Error {
  override name = "LocalWriteError";
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

interface Signals {
  signal: AbortSignal;
}

function tooLarge(url: string, max: number, seen: string): HttpError {
  return new HttpError(`GET ${url}: the answer is larger than the ${formatBytes(max)} cap (${seen}); not read`, {
    url,
    method: "GET",
    code: "too_large",
    retryable: false,
    mayHaveReachedServer: true,
  });
}

export function formatBytes(n: number): string {
  return n >= 2 ** 20 ? `${Math.round(n / 2 ** 20)} MB` : `${Math.round(n / 1024)} KB`;
}

/** Refuses a body whose declared length passes the cap before reading a byte. */
function checkDeclared(res: Dispatcher.ResponseData, max: number, url: string): number | undefined {
  const declared = Number(res.headers["content-length"]);
  if (!Number.isFinite(declared) || res.headers["content-length"] === undefined) return undefined;
  if (declared > max) throw tooLarge(url, max, `${formatBytes(declared)} declared`);
  return declared;
}

/** Reads a whole body into memory, never more than `max` bytes. */
export async function readCapped(res: Dispatcher.ResponseData, max: number, guard: Signals, url = ""): Promise<Buffer> {
  checkDeclared(res, max, url);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of res.body) {
    total += chunk.length;
    if (total > max) throw tooLarge(url, max, "more arrived");
    chunks.push(chunk as Buffer);
    if (guard.signal.aborted) throw guard.signal.reason;
  }
  return Buffer.concat(chunks, total);
}

/** Streams a body into `file`; every write is checked (a full disk fails here, as LocalWriteError). */
export async function streamToFile(res: Dispatcher.ResponseData, file: string, max: number, _guard: Signals, url: string): Promise<number> {
  const declared = checkDeclared(res, max, url);
  let received = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      received += chunk.length;
      cb(received > max ? tooLarge(url, max, "more arrived") : null, chunk);
    },
  });
  const out = createWriteStream(file);
  try {
    await pipeline(res.body, counter, out);
  } catch (err) {
    if (err instanceof HttpError) throw err;
    // A file system error (it names a path) is ours; anything else came from the socket.
    const e = err as NodeJS.ErrnoException;
    if (e.path !== undefined && e.syscall !== undefined) throw new LocalWriteError(`could not write ${file}: ${e.message}`, e.code);
    throw err;
  }
  if (declared !== undefined && declared > 0 && received !== declared) {
    throw new HttpError(`GET ${url}: download truncated: ${received} of ${declared} bytes`, {
      url,
      method: "GET",
      code: "truncated",
      retryable: true,
      mayHaveReachedServer: true,
    });
  }
  return received;
}
