import { createHash } from "node:crypto";
import { UserError } from "../errors/user-error.js";

/** `--shard I/N`: this machine builds share I (1-based) of N. */
export interface Shard {
  index: number;
  count: number;
}

export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : 0;
  const count = m ? Number(m[2]) : 0;
  if (!m || count < 1 || index < 1 || index > count)
    throw new UserError(`--shard takes I/N with 1 ≤ I ≤ N, e.g. 2/4, not ${JSON.stringify(text)}`);
  return { index, count };
}

/**
 * The names of `work` that belong to `shard`. Assets linked by references (in either
 * direction, through any asset) form one chain and go to one share, chosen by a hash of the
 * chain's first name: the same on every machine, whatever the others have built. Pure.
 */
export function shareOf(work: readonly string[], upstream: Map<string, readonly string[]>, shard: Shard): Set<string> {
  const parent = new Map<string, string>();
  const find = (n: string): string => {
    let p = parent.get(n) ?? n;
    if (p !== n) {
      p = find(p);
      parent.set(n, p);
    }
    return p;
  };
  const union = (a: string, b: string) => {
    const ra = find(a);
    const rb = find(b);
    // The smaller name becomes the root: a chain's root is its first name, whatever the order of edges.
    if (ra < rb) parent.set(rb, ra);
    else if (rb < ra) parent.set(ra, rb);
  };
  for (const [name, ups] of upstream) for (const up of ups) union(name, up);
  const mine = new Set<string>();
  for (const name of work) {
    const digest = createHash("sha256").update(find(name)).digest();
    if (digest.readUInt32BE(0) % shard.count === shard.index - 1) mine.add(name);
  }
  return mine;
}
