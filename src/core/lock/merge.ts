import { entryConsistent } from "./consistent.js";
import { LOCKFILE_VERSION, type LockEntry, type Lockfile } from "./types.js";

/** How one asset that both sides changed was decided. */
export interface MergeDecision {
  name: string;
  chose: "ours" | "theirs";
  /** "manifest": its spec hash matches the current manifests; "newer": fallback on generatedAt. */
  by: "manifest" | "newer";
}

export interface MergeResult {
  lock: Lockfile;
  decisions: MergeDecision[];
  /** True when some decision fell back to "newer" (no manifest to compare with): worth a look. */
  uncertain: boolean;
  /**
   * Entries whose hash did not match their own recorded spec on one side (a line-level merge
   * mixed two versions): the other side's entry was taken whole, or none when both were mixed.
   */
  inconsistent: string[];
}

/**
 * Three-way merge of lockfiles by asset name. A side that changed an entry wins over the
 * base; an entry both sides changed differently goes to the one whose spec hash is the
 * current manifests' (`current`: asset name → hash), else to the more recently generated.
 * Pure; the result serializes deterministically like any lock.
 */
export function mergeLocks(base: Lockfile | undefined, ours: Lockfile, theirs: Lockfile, current?: Map<string, string>): MergeResult {
  const b = base?.assets ?? {};
  const names = new Set([...Object.keys(b), ...Object.keys(ours.assets), ...Object.keys(theirs.assets)]);
  const assets: Record<string, LockEntry> = {};
  const decisions: MergeDecision[] = [];
  const inconsistent: string[] = [];
  for (const name of names) {
    let o: LockEntry | undefined = ours.assets[name];
    let t: LockEntry | undefined = theirs.assets[name];
    const oBad = o !== undefined && !entryConsistent(o);
    const tBad = t !== undefined && !entryConsistent(t);
    if (oBad || tBad) {
      inconsistent.push(name);
      if (oBad) o = tBad ? undefined : t;
      if (tBad) t = o;
      if (o) assets[name] = o;
      continue;
    }
    const bb = base ? b[name] : undefined;
    let pick: LockEntry | undefined;
    if (same(o, t)) pick = o;
    else if (base && same(o, bb))
      pick = t; // only theirs changed (or removed) it
    else if (base && same(t, bb)) pick = o;
    else if (!o || !t)
      pick = o ?? t; // changed on one side, removed on the other: keep the image
    else {
      const want = current?.get(name);
      if (want && (o.hash === want) !== (t.hash === want)) {
        pick = o.hash === want ? o : t;
        decisions.push({ name, chose: pick === o ? "ours" : "theirs", by: "manifest" });
      } else {
        pick = t.generatedAt > o.generatedAt ? t : o;
        decisions.push({ name, chose: pick === o ? "ours" : "theirs", by: "newer" });
      }
    }
    if (pick) assets[name] = pick;
  }
  const lock: Lockfile = { version: Math.max(ours.version, theirs.version, LOCKFILE_VERSION), assets };
  const picks = mergePicks(base?.picks ?? {}, ours.picks ?? {}, theirs.picks ?? {});
  if (Object.keys(picks).length) lock.picks = picks;
  return {
    lock,
    decisions,
    uncertain: decisions.some((d) => d.by === "newer") || inconsistent.length > 0,
    inconsistent,
  };
}

/** Picks merge like entries: a side that changed one wins over the base; both changed: ours. */
function mergePicks(base: Record<string, number>, ours: Record<string, number>, theirs: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const name of new Set([...Object.keys(base), ...Object.keys(ours), ...Object.keys(theirs)])) {
    const k = ours[name] === base[name] ? theirs[name] : ours[name];
    if (k !== undefined) out[name] = k;
  }
  return out;
}

function same(a: LockEntry | undefined, b: LockEntry | undefined): boolean {
  if (!a || !b) return a === b;
  return a.hash === b.hash && a.sha256 === b.sha256 && a.output === b.output && a.taskId === b.taskId;
}
