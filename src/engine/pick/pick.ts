import path from "node:path";
import { UserError } from "../../core/errors/user-error.js";
import { serializeLock } from "../../core/lock/serialize.js";
import { applyPicks, pickTarget, pickedTake } from "../../core/manifest/candidates.js";
import type { Project } from "../../core/project.js";
import { copyPickedTake } from "../build/copy-take.js";
import { stateDir } from "../build/plan-project.js";
import { writeFileAtomic } from "../state/atomic-write.js";
import { acquireProjectLock, type LockHolder } from "../state/project-lock.js";
import { readLock } from "../state/read-lock.js";
import { ContentStore } from "../store/content-store.js";

export interface PickOptions {
  /** Wait for a running build instead of stopping (the live page always waits). */
  wait?: boolean;
  onWait?: (holder: LockHolder) => void;
  signal?: AbortSignal;
}

/** What a pick did. */
export interface PickResult {
  name: string;
  /** The take the output now is (1 after --clear). */
  picked: number;
  take: string;
  output: string;
  sha256: string;
  /** True for `--clear`: the pick was removed from the lockfile. */
  cleared: boolean;
}

/**
 * `nanobanana pick NAME K` (k undefined: `--clear`): copies take K's image to the asset's
 * output (from the take's file or the local store; nothing is generated or paid) and records
 * the pick in the lockfile, under the project's build lock. Never prints.
 */
export async function pick(project: Project, name: string, k: number | undefined, opts: PickOptions = {}): Promise<PickResult> {
  pickTarget(project.assets, name, k);
  const held = await acquireProjectLock(stateDir(project), { ...opts, command: "pick" });
  try {
    const rel = path.relative(project.root, project.lockfile);
    const lock = readLock(project.lockfile, rel);
    const picks = { ...lock.picks };
    if (k === undefined) delete picks[name];
    else picks[name] = k;
    const asset = applyPicks(project.assets, { [name]: k ?? 1 }).find((a) => a.name === name)!;
    const take = pickedTake(asset)!;
    const entry = await copyPickedTake(project.root, asset, lock, new ContentStore(stateDir(project)), project.config.simulate);
    if (!entry)
      throw new UserError(
        `take ${asset.candidates!.picked} of ${JSON.stringify(name)} (${take}) has no image yet: build it first (\`nanobanana build --only ${take}\`)`,
      );
    lock.assets[name] = entry;
    if (Object.keys(picks).length) lock.picks = picks;
    else delete lock.picks;
    writeFileAtomic(project.lockfile, serializeLock(lock));
    return { name, picked: asset.candidates!.picked, take, output: asset.output, sha256: entry.sha256, cleared: k === undefined };
  } finally {
    held.release();
  }
}
