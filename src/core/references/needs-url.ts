import type { ReferenceSpec } from "../spec.js";

/** Why a URL-only provider cannot be given this reference, and what to do about it. */
export function needsUrl(r: ReferenceSpec, provider: string): string {
  if (r.kind === "asset") {
    return `the result URL of upstream asset ${r.ref} has expired (they last about an hour) and ${provider} takes references only as URLs: rebuild ${r.ref} (delete its output file), or host its image and reference the https URL`;
  }
  return `reference ${r.ref} is a local file and ${provider} takes references only as URLs: put the image at an https:// URL and reference that (references: ["https://…"]), or use a provider that takes image bytes (gemini)`;
}
