import type { Readable } from "node:stream";

/**
 * The lines of a JSONL stream, one at a time, pulled from the stream (so a slow consumer
 * slows the download instead of piling lines up in memory). Only the current line is held:
 * memory stays flat however long the file is. A last line without a newline is yielded too.
 */
export async function* jsonlLines(stream: Readable | AsyncIterable<Buffer>): AsyncGenerator<string> {
  let parts: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let buf = chunk;
    for (let nl = buf.indexOf(10); nl !== -1; nl = buf.indexOf(10)) {
      parts.push(buf.subarray(0, nl));
      const line = parts.length === 1 ? parts[0].toString("utf8") : Buffer.concat(parts).toString("utf8");
      parts = [];
      buf = buf.subarray(nl + 1);
      if (line.trim()) yield line;
    }
    if (buf.length) parts.push(buf);
  }
  const last = Buffer.concat(parts).toString("utf8");
  if (last.trim()) yield last;
}
