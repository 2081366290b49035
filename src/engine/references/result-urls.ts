import { readFileSync } from "node:fs";
import path from "node:path";
import { writeFileAtomic } from "../state/atomic-write.js";

/** A provider's result URL for some image content, and until when it is good. */
export interface KnownUrl {
  url: string;
  /** ms since epoch. */
  expiresAt: number;
}

/** Assumed lifetime of a result URL that does not say when it expires. */
const DEFAULT_TTL_MS = 60 * 60 * 1000;
/** A URL is only used while it has this long left (a queued task may fetch it minutes later). */
const MARGIN_MS = 10 * 60 * 1000;

/**
 * Result URLs by image content (sha256), kept in `.nanobanana/result-urls.json`, never in
 * the lockfile (they expire): URL-only providers get an upstream's output by its URL.
 */
export class ResultUrls {
  private readonly file: string;
  private urls: Record<string, KnownUrl> | undefined;

  constructor(stateDir: string) {
    this.file = path.join(stateDir, "result-urls.json");
  }

  /** A URL for this content that stays valid for a while yet. */
  get(sha256: string, now = Date.now()): KnownUrl | undefined {
    const k = this.load()[sha256];
    return k && k.expiresAt - MARGIN_MS > now ? k : undefined;
  }

  /** Remembers the URL an image was collected from. */
  set(sha256: string, url: string, collectedAt = Date.now()): void {
    const urls = this.load();
    urls[sha256] = { url, expiresAt: expiryOf(url) ?? collectedAt + DEFAULT_TTL_MS };
    for (const [k, v] of Object.entries(urls)) if (v.expiresAt < collectedAt) delete urls[k];
    writeFileAtomic(this.file, JSON.stringify(urls));
  }

  private load(): Record<string, KnownUrl> {
    if (!this.urls) {
      try {
        this.urls = JSON.parse(readFileSync(this.file, "utf8")) as Record<string, KnownUrl>;
      } catch {
        this.urls = {};
      }
    }
    return this.urls;
  }
}

/** When a signed URL expires, from its query (`expires`/`Expires` epoch s or ms, or X-Amz-Date + X-Amz-Expires). */
export function expiryOf(url: string): number | undefined {
  let q: URLSearchParams;
  try {
    q = new URL(url).searchParams;
  } catch {
    return undefined;
  }
  const e = Number(q.get("expires") ?? q.get("Expires") ?? q.get("se") ?? NaN);
  if (Number.isFinite(e) && e > 0) return e > 1e12 ? e : e * 1000;
  const amzDate = q.get("X-Amz-Date");
  const amzExpires = Number(q.get("X-Amz-Expires"));
  if (amzDate && Number.isFinite(amzExpires)) {
    const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
    if (m) return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) + amzExpires * 1000;
  }
  return undefined;
}
