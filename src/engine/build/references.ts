import type { Lockfile } from "../../core/lock/types.js";
import { gatherFacts } from "../facts.js";
import { linkAsset } from "../../core/plan/graph.js";
import { plan } from "../../core/plan/plan.js";
import type { Project, ResolvedAsset } from "../../core/project.js";
import type { ReferenceInput } from "../providers/types.js";
import { ReferenceDelivery } from "../references/deliver.js";
import { referencePolicy } from "../../core/references/policy.js";
import { ResultUrls } from "../references/result-urls.js";
import { remotePresigner, type PresignOptions } from "../references/presign.js";
import type { RemoteStore } from "../remote/types.js";
import type { Connection } from "../providers/connect.js";
import type { EventSink } from "./events.js";
import type { JobOutcome } from "./schedule.js";

/** The build's side of reference images: delivering them, and remembering result URLs. */
export interface BuildReferences {
  inputsFor(asset: ResolvedAsset): Promise<ReferenceInput[]>;
  /** Remembers where an image can be fetched (real builds; for URL-only providers downstream). */
  record(sha256: string, url: string | undefined, emit: EventSink): void;
}

/** How a real build with a remote shares local references (see remotePresigner). */
export interface SharedReferences extends PresignOptions {
  remote: () => Promise<RemoteStore | undefined>;
}

export function referenceDelivery(
  project: Project,
  conn: Connection,
  stateDir: string,
  signal?: AbortSignal,
  shared?: SharedReferences,
): BuildReferences {
  const urls = new ResultUrls(stateDir);
  const delivery = new ReferenceDelivery({
    provider: conn.definition.name,
    policy: referencePolicy(conn.definition),
    root: project.root,
    stateDir,
    http: conn.http,
    urls,
    outputs: new Map(project.assets.map((a) => [a.name, a.output])),
    simulatorUrl: conn.simulatorUrl,
    presign: shared && !conn.simulated ? remotePresigner(shared.remote, shared) : undefined,
    signal,
    allowPrivateHosts: project.config.references?.allowPrivateHosts,
  });
  return {
    inputsFor: (a) => delivery.inputsFor(a),
    record: (sha256, url, emit) => {
      if (!url || conn.simulated) return;
      try {
        urls.set(sha256, url);
      } catch (err) {
        emit({ type: "warning", message: `could not remember a result URL in .nanobanana/: ${(err as Error).message}` });
      }
    },
  };
}

/**
 * Once its upstreams are done, an asset's spec carries their actual output hashes; it is then
 * decided again: an upstream that came back with the same bytes leaves it up to date.
 */
export async function relinkAndDecide(
  asset: ResolvedAsset,
  upstream: Map<string, JobOutcome>,
  project: Project,
  lock: Lockfile,
  verify?: boolean,
): Promise<{ asset: ResolvedAsset; upToDate: boolean }> {
  const linked = upstream.size ? linkAsset(asset, (up) => upstream.get(up)?.sha256) : asset;
  const facts = await gatherFacts(project.root, [linked], lock, verify);
  const c = project.config;
  const item = plan({ assets: [linked], simulate: c.simulate, provider: c.provider, prices: c.prices, verify }, lock, facts).items[0];
  return { asset: linked, upToDate: item.action === "up-to-date" };
}
