import { readFileSync } from "node:fs";
import path from "node:path";
import type { z } from "zod";
import { firstProblem } from "../../core/state-schemas.js";
import { namesIn } from "../fs/names-in.js";

/** A state file refused when read: never used, never deleted. */
export interface RejectedFile {
  file: string;
  problem: string;
}

/**
 * The `<key>.json` records of a state folder (a journal), in name order. Each is checked
 * against its strict schema and must be named after its own key (`keyField`): a crafted
 * record (`"hash": "../../victim"`) is refused and listed with why, so no path is ever built
 * from it. Torn temp files of a crash are skipped.
 */
export function readRecords<T>(dir: string, schema: z.ZodType, keyField: string): { records: T[]; rejected: RejectedFile[] } {
  const records: T[] = [];
  const rejected: RejectedFile[] = [];
  for (const n of namesIn(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()) {
    const file = path.join(dir, n);
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(file, "utf8"));
    } catch {
      continue; // a torn temp file from a crash: ignore
    }
    const r = schema.safeParse(raw);
    if (!r.success) {
      rejected.push({ file, problem: firstProblem(r.error) });
      continue;
    }
    const key = String((r.data as Record<string, unknown>)[keyField]);
    if (n !== `${key}.json`) rejected.push({ file, problem: `${keyField} ${key} does not match the file name` });
    else records.push(r.data as T);
  }
  return { records, rejected };
}
