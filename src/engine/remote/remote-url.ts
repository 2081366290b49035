/** `s3://bucket/some/prefix` → bucket and a key prefix without slashes at either end. */
export function parseRemoteUrl(url: string): { bucket: string; prefix: string } {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(url);
  if (!m) throw new Error(`remote.url ${url} is not s3://bucket/prefix`);
  return { bucket: m[1], prefix: m[2].replace(/^\/+|\/+$/g, "") };
}

/** Object keys of one spec hash: images of real and simulated builds never share a key. */
export function objectKeys(prefix: string, hash: string, simulated: boolean): { image: string; meta: string } {
  const base = `${prefix ? `${prefix}/` : ""}${simulated ? "simulated" : "images"}/${hash.slice(0, 2)}/${hash}`;
  return { image: `${base}.img`, meta: `${base}.json` };
}

/** Key of reference bytes shared with a URL-only provider (by content sha256). */
export function referenceKey(prefix: string, sha256: string): string {
  return `${prefix ? `${prefix}/` : ""}references/${sha256}`;
}
