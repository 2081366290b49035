import { readFileSync, statSync } from "node:fs";
import { sha256 } from "../../core/hash.js";
import type { FileFacts, ReferenceFileReader } from "../../core/references/file-facts.js";
import { describeBytes, sniffImageType } from "../../core/references/sniff.js";

export type { FileFacts };

interface Cached {
  mtimeMs: number;
  size: number;
  ino: number;
  facts: FileFacts;
}

/** Across loads (watch mode reloads often): a file is re-read only when its mtime, size or inode changed. */
const byPath = new Map<string, Cached>();

/**
 * Reads local reference files for one load: each distinct file is stat'ed once and hashed
 * only when it is new or changed since the last load in this process.
 */
export class ReferenceFiles implements ReferenceFileReader {
  private readonly seen = new Map<string, FileFacts | { error: string }>();

  /** Facts about the file at `abs`, or why it cannot be used. */
  inspect(abs: string): FileFacts | { error: string } {
    let r = this.seen.get(abs);
    if (!r) {
      r = read(abs);
      this.seen.set(abs, r);
    }
    return r;
  }

  /** Every file inspected in this load (watch mode watches them). */
  files(): string[] {
    return [...this.seen.keys()];
  }

  /** Each file read in this load and the sha256 of its bytes (files that could not be used are left out). */
  digests(): Array<[string, string]> {
    const out: Array<[string, string]> = [];
    for (const [file, r] of this.seen) if ("sha256" in r) out.push([file, r.sha256]);
    return out;
  }
}

function read(abs: string): FileFacts | { error: string } {
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(abs);
  } catch {
    return { error: "not found" };
  }
  if (!st.isFile()) return { error: "is not a file" };
  const hit = byPath.get(abs);
  if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size && hit.ino === st.ino) return hit.facts;
  let data: Buffer;
  try {
    data = readFileSync(abs);
  } catch (err) {
    return { error: `cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})` };
  }
  const head = data.subarray(0, 16);
  const facts: FileFacts = { sha256: sha256(data), bytes: data.length, mime: sniffImageType(head), looksLike: describeBytes(head) };
  byPath.set(abs, { mtimeMs: st.mtimeMs, size: st.size, ino: st.ino, facts });
  return facts;
}
