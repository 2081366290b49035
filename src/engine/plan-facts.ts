import path from "node:path";
import type { Lockfile } from "../core/lock/types.js";
import { referencedContent } from "../core/plan/needs.js";
import { plan, workOf, type PlanInput } from "../core/plan/plan.js";
import type { Plan } from "../core/plan/types.js";
import type { Project } from "../core/project.js";
import { referencePolicy } from "../core/references/policy.js";
import { gatherFacts } from "./facts.js";
import { PROVIDERS } from "./providers/registry.js";
import { ResultUrls } from "./references/result-urls.js";
import { ContentStore } from "./store/content-store.js";
import pLimit from "p-limit";
import type { RestoreSources } from "./build/restore-sources.js";
import type { RestoreSource } from "./remote/types.js";

/**
 * Gathers what the pure planner needs from disk (output files, the store, known result URLs)
 * and plans. The store and the URLs are asked only about the work of a first pass, so a
 * no-op build reads no store metadata.
 */
export async function planFromDisk(
  project: Project,
  lock: Lockfile,
  stateDir: string,
  opts: { verify?: boolean; only?: readonly string[]; sources?: RestoreSources; retryRejected?: boolean } = {},
): Promise<Plan> {
  const facts = await gatherFacts(project.root, project.assets, lock, opts.verify);
  const input: PlanInput = {
    assets: project.assets,
    simulate: project.config.simulate,
    provider: project.config.provider,
    prices: project.config.prices,
    batch: project.config.batch,
    verify: opts.verify,
    only: opts.only,
  };
  const draft = plan(input, lock, facts);
  const work = workOf(draft.items);
  if (work.size === 0) return draft;
  const workAssets = project.assets.filter((a) => work.has(a.name));
  input.stored = storedHashes(
    stateDir,
    workAssets.map((a) => a.hash),
    project.config.simulate,
  );
  if (!opts.retryRejected) {
    const rejected = rejectedReasons(
      stateDir,
      project.root,
      workAssets.map((a) => a.hash),
    );
    if (rejected.size) input.rejected = rejected;
  }
  const def = PROVIDERS[project.config.provider];
  // With a remote, local references reach a URL-only provider as presigned URLs: nothing to provide.
  const shared = Boolean(opts.sources?.hasRemote);
  if (!project.config.simulate && !shared && def && referencePolicy(def).input === "url") {
    const urls = new ResultUrls(stateDir);
    const liveUrls = new Set(workAssets.flatMap(referencedContent).filter((sha) => urls.get(sha)));
    input.urls = { provider: project.config.provider, liveUrls };
  }
  const planned = plan(input, lock, facts);
  if (!opts.sources) return planned;
  // What would still be paid for may come back free: another entry's output (a rename), the remote.
  const paid = planned.items.filter((i) => work.has(i.name) && i.estimatedUsd > 0);
  if (paid.length === 0) return planned;
  const restorable = new Map<string, string>();
  const sources = opts.sources;
  const remoteAsks: string[] = [];
  for (const i of paid) {
    const local = sources.whereLocal(i.hash);
    if (local) restorable.set(i.hash, WHERE[local]);
    else if (sources.hasRemote) remoteAsks.push(i.hash);
  }
  const ask = pLimit(16);
  await Promise.all(
    remoteAsks.map((hash) =>
      ask(async () => {
        const where = await sources.where(hash).catch(() => undefined); // an unreachable remote restores nothing
        if (where) restorable.set(hash, WHERE[where]);
      }),
    ),
  );
  return restorable.size ? plan({ ...input, restorable }, lock, facts) : planned;
}

const WHERE: Record<RestoreSource, string> = {
  "lockfile output": "another lock entry's output has it",
  "local store": "in the local store",
  remote: "in the remote",
};

/** The hashes among `wanted` whose image the store holds, made the way this build makes them. */
/** Why each of these spec hashes is not paid for again: its image failed the gates (store/rejected). */
function rejectedReasons(stateDir: string, root: string, wanted: string[]): Map<string, string> {
  const store = new ContentStore(stateDir);
  const listed = store.rejectedHashes();
  const out = new Map<string, string>();
  if (listed.size === 0) return out;
  for (const hash of wanted) {
    if (!listed.has(hash)) continue;
    const rec = store.rejected(hash);
    if (!rec) continue;
    const kept = path.relative(root, store.rejectedPath(hash, "img")).split(path.sep).join("/");
    out.set(
      hash,
      `the image paid for (task ${rec.entry.taskId}, $${rec.entry.cost.usd.toFixed(4)}) failed the quality gates: ${rec.reasons.join("; ")}; kept in ${kept}; build --retry-rejected pays for another`,
    );
  }
  return out;
}

function storedHashes(stateDir: string, wanted: string[], simulate: boolean): Set<string> {
  const store = new ContentStore(stateDir);
  const listed = store.hashes();
  const out = new Set<string>();
  for (const hash of wanted) {
    if (!listed.has(hash)) continue;
    const kept = store.get(hash);
    if (kept !== undefined && Boolean(kept.simulated) === simulate) out.add(hash);
  }
  return out;
}
