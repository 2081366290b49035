import type { LockEntry } from "../lock/types.js";
import type { AssetSpec } from "../project.js";
import type { FieldChange } from "./types.js";

/** The spec fields a reviewer reads, in the order the page lists them. */
const FIELDS = ["provider", "model", "prompt", "resolution", "aspectRatio", "format", "seed", "webSearch", "references"] as const;

/** A lock entry or a fresh spec, flattened to the fields FIELDS names. */
export type SpecFields = Partial<Record<(typeof FIELDS)[number], unknown>>;

export function entryFields(entry: LockEntry): SpecFields {
  return { ...entry.spec, provider: entry.provider, model: entry.model };
}

export function specFields(spec: AssetSpec): SpecFields {
  return { ...spec };
}

/** Which fields differ between two specs, with both values as text. */
export function fieldChanges(before: SpecFields, after: SpecFields): FieldChange[] {
  const out: FieldChange[] = [];
  for (const f of FIELDS) {
    const b = show(before[f]);
    const a = show(after[f]);
    if (a !== b) out.push({ field: f, before: b, after: a });
  }
  return out;
}

function show(v: unknown): string {
  if (v === undefined || v === null) return "";
  if (Array.isArray(v)) return v.length ? v.map((r) => (r as { ref?: string; sha256?: string }).ref ?? JSON.stringify(r)).join(", ") : "";
  return typeof v === "string" ? v : JSON.stringify(v);
}
