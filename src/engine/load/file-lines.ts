import { closeSync, openSync, readSync } from "node:fs";

/**
 * The lines of a text file, read synchronously 1 MB at a time: only the current chunk and
 * line are held, never the whole file as one string (a 20 MB string would sit in V8's large
 * object space until the next full collection). The last line may lack its newline.
 */
export function* fileLines(file: string, chunkBytes = 1 << 20): Generator<string> {
  const fd = openSync(file, "r");
  try {
    const chunk = Buffer.allocUnsafe(chunkBytes);
    let carry: Buffer | undefined; // the start of a line the previous chunk did not finish
    for (;;) {
      const got = readSync(fd, chunk, 0, chunkBytes, null);
      if (got === 0) break;
      let start = 0;
      for (let nl = chunk.indexOf(10, 0); nl !== -1 && nl < got; nl = chunk.indexOf(10, start)) {
        yield carry ? Buffer.concat([carry, chunk.subarray(0, nl)]).toString("utf8") : chunk.toString("utf8", start, nl);
        carry = undefined;
        start = nl + 1;
      }
      if (start < got) carry = carry ? Buffer.concat([carry, chunk.subarray(start, got)]) : Buffer.from(chunk.subarray(start, got));
    }
    if (carry?.length) yield carry.toString("utf8");
  } finally {
    closeSync(fd);
  }
}
