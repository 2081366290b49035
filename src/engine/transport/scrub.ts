/** An S3 (SigV4 or V2) presigned URL, up to where a quote, space or angle bracket ends it; `&` may be JSON-escaped. */
const PRESIGNED_URL =
  /https?:\/\/[^\s"'<>]*?(?:[?&]|\\u0026)(?:X-Amz-(?:Signature|Credential|Algorithm)|Signature|AWSAccessKeyId)=[^\s"'<>]*/gi;

/**
 * Removes credentials from a message before it goes anywhere a user or a file can see it
 * (events, --json, summaries, the journal, the lock): every known secret value, and any
 * `Bearer …`/`Key …` token or `key=` query value, whatever the provider echoed back, and
 * every presigned URL (a reference shared through the remote) whole.
 */
export function scrubSecrets(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join("[REDACTED]");
  return out
    .replace(PRESIGNED_URL, "[presigned URL]")
    .replace(/\b(Bearer|Key|Basic|Token)\s+(?!\[REDACTED\])[A-Za-z0-9._~+/=:-]{4,}/gi, "$1 [REDACTED]")
    .replace(
      /([?&](?:key|api_key|apikey|token|access_token|sig|signature|x-amz-signature|x-amz-credential|x-amz-security-token)=)[^&\s"']+/gi,
      "$1REDACTED",
    )
    .replace(/\b((?:x-api-key|x-goog-api-key|authorization)["']?\s*[:=]\s*["']?)(?!\[REDACTED\])[^\s"',}]{4,}/gi, "$1[REDACTED]");
}

/** The secret values a request carries in its headers (credentials the provider may echo). */
export function headerSecrets(headers: Record<string, string> | undefined): string[] {
  if (!headers) return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(headers)) {
    if (!/^(authorization|x-api-key|x-goog-api-key|api-key|proxy-authorization)$/i.test(k)) continue;
    out.push(v);
    const token = /^\S+\s+(\S+)$/.exec(v)?.[1];
    if (token) out.push(token);
  }
  return out;
}
