import type { RemoteStore } from "../remote/types.js";
import type { PreparedImage } from "./prepare.js";

export interface PresignOptions {
  /** How long each URL stays valid: the life of a task (its poll deadline) and a margin. */
  ttlSeconds: number;
  /**
   * Loopback origins (a local S3 server in tests) whose plain-http URLs may be handed to the
   * provider. Any other URL must be https: real providers fetch references over https only.
   */
  httpOrigins?: readonly string[];
}

/**
 * Shares local reference bytes with a URL-only provider through the remote: uploaded once
 * under their sha256 (skipped when the remote has them), then a presigned GET URL, signed
 * locally. The URL carries a signature: it goes into the submit and nowhere else.
 */
export function remotePresigner(
  remote: () => Promise<RemoteStore | undefined>,
  opts: PresignOptions,
): (img: PreparedImage) => Promise<string> {
  const allowed = new Set((opts.httpOrigins ?? []).filter(isLoopbackOrigin).map((o) => new URL(o).origin));
  return async (img) => {
    const store = await remote();
    if (!store) throw new Error("the remote is configured but could not be opened; nothing was submitted");
    const url = await store.presign(img.data, img.sha256, img.mimeType, opts.ttlSeconds).catch((err: unknown) => {
      throw new Error(
        `could not share a reference through the remote ${store.location} (${(err as Error).message}); nothing was submitted`,
      );
    });
    const origin = new URL(url).origin;
    if (!url.startsWith("https://") && !allowed.has(origin))
      throw new Error(
        `the remote ${store.location} hands out ${new URL(url).protocol}// URLs (remote.endpoint is not https) and providers fetch references over https only; nothing was submitted`,
      );
    return url;
  };
}

/** http(s)://localhost, 127.x.x.x or [::1], with any port. */
export function isLoopbackOrigin(origin: string): boolean {
  try {
    const host = new URL(origin).hostname;
    return host === "localhost" || host === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(host);
  } catch {
    return false;
  }
}
