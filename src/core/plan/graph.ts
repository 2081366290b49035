import type { Issue } from "../errors/user-error.js";
import { specHash } from "../hash.js";
import type { ResolvedAsset } from "../project.js";
import { pickedTake } from "../manifest/candidates.js";

/** The asset → asset edges of `references: [{ asset }]`. Pure. */
export interface AssetGraph {
  /** Upstream asset names of each asset that has any (deduplicated, in reference order). */
  upstream: Map<string, string[]>;
  /** Downstream asset names of each asset that has any. */
  downstream: Map<string, string[]>;
  /** Every asset, upstreams before downstreams (declaration order otherwise). */
  order: ResolvedAsset[];
}

/** Names of the assets an asset references (and, for an asset with candidates, the take it copies). */
export function upstreamNames(asset: ResolvedAsset): string[] {
  const out: string[] = [];
  for (const r of asset.spec.references) if (r.kind === "asset" && !out.includes(r.ref)) out.push(r.ref);
  // An asset with candidates copies its picked take: built after it.
  const take = pickedTake(asset);
  if (take) out.push(take);
  return out;
}

/**
 * Builds the graph; unknown asset names and cycles become issues (a cycle names every asset
 * in it, at the reference that closes it).
 */
export function assetGraph(assets: ResolvedAsset[], issues: Issue[]): AssetGraph {
  // Indexed on the first reference met: most projects (and 100,000-variant matrices) have none.
  let byName: Map<string, ResolvedAsset> | undefined;
  const upstream = new Map<string, string[]>();
  const downstream = new Map<string, string[]>();
  for (const a of assets) {
    const ups = upstreamNames(a);
    if (ups.length === 0) continue;
    byName ??= new Map(assets.map((x) => [x.name, x]));
    const known: string[] = [];
    for (const up of ups) {
      if (byName.has(up)) known.push(up);
      else issues.push(refIssue(a, up, `${JSON.stringify(up)} is not an asset in this project${closest(up, byName.keys())}`));
    }
    upstream.set(a.name, known);
    for (const up of known) {
      const list = downstream.get(up);
      if (list) list.push(a.name);
      else downstream.set(up, [a.name]);
    }
  }
  const order = topoOrder(assets, upstream, downstream);
  if (byName && order.length < assets.length) reportCycles(assets, order, upstream, downstream, byName, issues);
  return { upstream, downstream, order };
}

/** Kahn's algorithm, stable in declaration order; assets on or behind a cycle are left out. */
function topoOrder(assets: ResolvedAsset[], upstream: Map<string, string[]>, downstream: Map<string, string[]>): ResolvedAsset[] {
  if (upstream.size === 0) return assets;
  const byName = new Map(assets.map((a) => [a.name, a]));
  const waiting = new Map<string, number>();
  for (const [name, ups] of upstream) waiting.set(name, ups.length);
  const order: ResolvedAsset[] = [];
  const queue = assets.filter((a) => !waiting.get(a.name));
  for (let i = 0; i < queue.length; i++) {
    order.push(queue[i]);
    for (const d of downstream.get(queue[i].name) ?? []) {
      const left = waiting.get(d)! - 1;
      waiting.set(d, left);
      if (left === 0) queue.push(byName.get(d)!);
    }
  }
  return order;
}

function reportCycles(
  assets: ResolvedAsset[],
  order: ResolvedAsset[],
  upstream: Map<string, string[]>,
  downstream: Map<string, string[]>,
  byName: Map<string, ResolvedAsset>,
  issues: Issue[],
): void {
  const done = new Set(order.map((a) => a.name));
  // Left: assets on a cycle or downstream of one. Peel off those with nothing left downstream.
  const left = new Set(assets.map((a) => a.name).filter((n) => !done.has(n)));
  for (let changed = true; changed; ) {
    changed = false;
    for (const n of left) {
      if (!(downstream.get(n) ?? []).some((d) => left.has(d))) {
        left.delete(n);
        changed = true;
      }
    }
  }
  const reported = new Set<string>();
  for (const start of left) {
    if (reported.has(start)) continue;
    // Walk upstream inside the set until a name repeats: that loop is the cycle.
    const path: string[] = [];
    let at = start;
    while (!path.includes(at)) {
      path.push(at);
      at = (upstream.get(at) ?? []).find((u) => left.has(u))!;
    }
    const cycle = path.slice(path.indexOf(at)).reverse();
    for (const n of cycle) reported.add(n);
    const closing = cycle[cycle.length - 1];
    issues.push(
      refIssue(
        byName.get(closing)!,
        cycle[0],
        `references form a cycle: ${[...cycle, cycle[0]].join(" → ")} (an asset cannot be built from its own output)`,
      ),
    );
  }
}

function refIssue(asset: ResolvedAsset, ref: string, message: string): Issue {
  const i = asset.spec.references.findIndex((r) => r.kind === "asset" && r.ref === ref);
  const src = asset.referenceSources?.[i] ?? asset.source;
  return { file: src.file, line: src.line, col: src.col, path: src.path, message: `${asset.name}: ${message}` };
}

function closest(name: string, names: Iterable<string>): string {
  const tail = name.split("/").pop()!;
  const near = [...names].filter((n) => n.split("/").pop() === tail || n.startsWith(`${name.split("/")[0]}/`)).slice(0, 5);
  return near.length ? ` (similar: ${near.join(", ")})` : "";
}

/**
 * The asset with its upstream references filled in: each `{asset}` reference carries the
 * upstream's output sha256 (or `spec:<hash>` while it is not built), and the spec hash is
 * recomputed, so that an upstream change changes every downstream hash. Pure.
 */
export function linkAsset(asset: ResolvedAsset, contentOf: (upstream: string) => string | undefined): ResolvedAsset {
  if (!asset.spec.references.some((r) => r.kind === "asset")) return asset;
  const references = asset.spec.references.map((r) => (r.kind === "asset" ? { ...r, sha256: contentOf(r.ref) ?? r.sha256 } : r));
  const spec = { ...asset.spec, references };
  return { ...asset, spec, hash: specHash(spec) };
}

/**
 * Links every asset in dependency order (returned in declaration order); `built(up)` gives an
 * upstream's output sha256 when its lock entry matches its current spec.
 */
export function linkAll(assets: ResolvedAsset[], graph: AssetGraph, built: (up: ResolvedAsset) => string | undefined): ResolvedAsset[] {
  if (graph.upstream.size === 0) return assets;
  const linked = new Map<string, ResolvedAsset>();
  for (const a of graph.order) {
    linked.set(
      a.name,
      linkAsset(a, (up) => {
        const u = linked.get(up)!;
        return built(u) ?? `spec:${u.hash}`;
      }),
    );
  }
  return assets.map((a) => linked.get(a.name)!);
}
