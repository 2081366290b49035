/**
 * Output to a closed pipe (`nanobanana plan | head -1`) ends quietly: the first EPIPE turns
 * every later write on that stream into a no-op, and the command finishes with its own exit
 * code, as `git log | head -1` does. Any other stream error is rethrown.
 */
export function quietOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code !== "EPIPE") throw err;
    stream.write = ((_chunk: unknown, encoding?: unknown, cb?: unknown) => {
      const done = typeof encoding === "function" ? encoding : cb;
      if (typeof done === "function") queueMicrotask(() => done());
      return true;
    }) as typeof stream.write;
  });
}
