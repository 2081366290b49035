import path from "node:path";
import type { Lockfile } from "../core/lock/types.js";
import { referencedContent } from "../core/plan/needs.js";
import { localSource, plan, pricing, workAssets, type PlanInput } from "../core/plan/plan.js";
import type { Plan } from "../core/plan/types.js";
import type { Project, ResolvedAsset } from "../core/project.js";
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
 * and plans once. The store, the rejections, the URLs and the restore sources are asked only
 * about the assets the lock and the outputs say need work, so a no-op build reads no store
 * metadata; the store is listed once (through `sources`).
 */
export async function planFromDisk(
  project: Project,
  lock: Lockfile,
  stateDir: string,
  opts: { verify?: boolean; only?: readonly string[]; sources: RestoreSources; retryRejected?: boolean },
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
  const work = workAssets(input, lock, facts);
  if (work.length === 0) return plan(input, lock, facts);
  const sources = opts.sources;
  const stored = new Set<string>();
  for (const a of work) if (sources.inLocalStore(a.hash)) stored.add(a.hash);
  input.stored = stored;
  const rejected = opts.retryRejected ? new Map<string, string>() : rejectedReasons(stateDir, project.root, work);
  if (rejected.size) input.rejected = rejected;
  const def = PROVIDERS[project.config.provider];
  // With a remote, local references reach a URL-only provider as presigned URLs: nothing to provide.
  const shared = sources.hasRemote;
  if (!project.config.simulate && !shared && def && referencePolicy(def).input === "url") {
    const urls = new ResultUrls(stateDir);
    const liveUrls = new Set(work.flatMap(referencedContent).filter((sha) => urls.get(sha)));
    input.urls = { provider: project.config.provider, liveUrls };
  }
  // What would still be paid for may come back free: another entry's output (a rename), the remote.
  const priceOf = pricing(input);
  const restorable = new Map<string, string>();
  const remoteAsks: string[] = [];
  for (const a of work) {
    if (localSource(a) || stored.has(a.hash) || rejected.has(a.hash) || !(priceOf(a) > 0)) continue;
    const local = sources.whereLocal(a.hash);
    if (local) restorable.set(a.hash, WHERE[local]);
    else if (sources.hasRemote) remoteAsks.push(a.hash);
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
  if (restorable.size) input.restorable = restorable;
  return plan(input, lock, facts);
}

const WHERE: Record<RestoreSource, string> = {
  "lockfile output": "another lock entry's output has it",
  "local store": "in the local store",
  remote: "in the remote",
};

/** Why each of these assets' spec hashes is not paid for again: its image failed the gates (store/rejected). */
function rejectedReasons(stateDir: string, root: string, wanted: readonly ResolvedAsset[]): Map<string, string> {
  const store = new ContentStore(stateDir);
  const listed = store.rejectedHashes();
  const out = new Map<string, string>();
  if (listed.size === 0) return out;
  for (const { hash } of wanted) {
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
