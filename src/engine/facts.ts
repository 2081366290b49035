import { createReadStream, statSync } from "node:fs";
import { createHash } from "node:crypto";
import path from "node:path";
import type { Lockfile } from "../core/lock/types.js";
import type { ResolvedAsset } from "../core/project.js";
import type { OutputFacts } from "../core/plan/types.js";

/**
 * Stats the output file of every asset that has a lock entry (a cheap stat each; no reads).
 * With `verify`, also hashes each file's content.
 */
export async function gatherFacts(root: string, assets: ResolvedAsset[], lock: Lockfile, verify = false): Promise<OutputFacts> {
  const facts: OutputFacts = new Map();
  for (const a of assets) {
    if (!lock.assets[a.name]) continue;
    const abs = path.join(root, a.output);
    // No exception for a missing output (building one costs more than the stat); other errors (ENOTDIR…) mean missing too.
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(abs, { throwIfNoEntry: false });
    } catch {
      continue;
    }
    if (!st?.isFile()) continue;
    facts.set(a.output, { bytes: st.size, sha256: verify ? await hashFile(abs) : undefined });
  }
  return facts;
}

export function hashFile(abs: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash("sha256");
    createReadStream(abs)
      .on("data", (chunk) => h.update(chunk))
      .on("end", () => resolve(h.digest("hex")))
      .on("error", reject);
  });
}
