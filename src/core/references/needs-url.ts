import type { ReferenceSpec } from "../spec.js";

/** The way that always works: a remote shares local images with the provider as presigned URLs. */
const REMOTE =
  "configure a remote store (a `remote:` block in nanobanana.config.yaml, e.g. `remote: { url: s3://bucket/prefix }`), which hands the provider each local image as a presigned https URL";

/** Why a URL-only provider cannot be given this reference, and what to do about it. */
export function needsUrl(r: ReferenceSpec, provider: string): string {
  if (r.kind === "asset") {
    return `the result URL of upstream asset ${r.ref} has expired (they last about an hour) and ${provider} takes references only as URLs: ${REMOTE}, rebuild ${r.ref} (delete its output file), or host its image and reference the https URL`;
  }
  return `reference ${r.ref} is a local file and ${provider} takes references only as URLs: ${REMOTE}, put the image at an https:// URL and reference that (references: ["https://…"]), or use a provider that takes image bytes (gemini)`;
}
