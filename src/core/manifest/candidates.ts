import path from "node:path";
import { UserError } from "../errors/user-error.js";
import { specHash } from "../hash.js";
import { nearest } from "../nearest.js";
import type { ResolvedAsset } from "../project.js";

const SEEDS = 2 ** 31;

/** The name of take `k` of an asset: `hero.take-2`. */
export function takeName(name: string, k: number): string {
  return `${name}.take-${k}`;
}

/** The output of take `k`: `<out-stem>.take-K.<ext>` beside the asset's output. */
export function takeOutput(output: string, k: number): string {
  const ext = path.posix.extname(output);
  return `${output.slice(0, output.length - ext.length)}.take-${k}${ext}`;
}

/**
 * Take `k`'s seed: take 1 keeps the asset's own (so adding `candidates` keeps the image it
 * had); take K adds K-1 to it (to 0 when the asset sets none), wrapping within the seed range.
 */
export function takeSeed(seed: number | undefined, k: number): number | undefined {
  return k === 1 ? seed : ((seed ?? 0) + k - 1) % SEEDS;
}

/**
 * An asset with `candidates: n`, followed by its n takes: specs that differ only by seed, each
 * with its own hash, output and lock entry (each billed). The asset itself has take 1's spec
 * until a pick (see applyPicks); takes carry no derived files or alt text. Pure.
 */
export function withTakes(asset: ResolvedAsset, n: number): ResolvedAsset[] {
  const takes: ResolvedAsset[] = [];
  for (let k = 1; k <= n; k++) {
    const spec = { ...asset.spec, seed: takeSeed(asset.spec.seed, k) };
    if (spec.seed === undefined) delete spec.seed;
    const take: ResolvedAsset = {
      name: takeName(asset.name, k),
      output: takeOutput(asset.output, k),
      spec,
      // An asset with {asset} references is hashed once linked (plan/graph.ts), its takes too.
      hash: asset.hash === "" ? "" : specHash(spec),
      source: asset.source,
      take: { of: asset.name, k },
    };
    if (asset.referenceSources) take.referenceSources = asset.referenceSources;
    if (asset.matrix) take.matrix = asset.matrix;
    takes.push(take);
  }
  return [{ ...asset, candidates: { takes: takes.map((t) => t.name), picked: 1 } }, ...takes];
}

/** The name of the take an asset with candidates shows. */
export function pickedTake(asset: ResolvedAsset): string | undefined {
  return asset.candidates?.takes[asset.candidates.picked - 1];
}

/**
 * Applies the lockfile's picks: an asset with candidates gets the spec and hash of its picked
 * take (its output is then a copy of that take's). A pick of a take that no longer exists
 * (candidates lowered) is ignored: take 1. Pure; returns new objects for the assets it changes.
 */
export function applyPicks(assets: ResolvedAsset[], picks: Readonly<Record<string, number>> | undefined): ResolvedAsset[] {
  if (!picks || Object.keys(picks).length === 0) return assets;
  const byName = new Map(assets.map((a) => [a.name, a]));
  return assets.map((a) => {
    const k = a.candidates && picks[a.name];
    if (!a.candidates || !k || k === a.candidates.picked || k > a.candidates.takes.length) return a;
    const take = byName.get(a.candidates.takes[k - 1]);
    if (!take) return a;
    return { ...a, spec: take.spec, hash: take.hash, candidates: { ...a.candidates, picked: k } };
  });
}

/**
 * The asset `nanobanana pick NAME K` acts on, or a UserError (exit 2) saying what is wrong: an
 * unknown name (with the nearest one), an asset without candidates, a take out of range.
 * `k` undefined is `--clear`. Pure.
 */
export function pickTarget(assets: readonly ResolvedAsset[], name: string, k: number | undefined): ResolvedAsset {
  const asset = assets.find((a) => a.name === name);
  if (!asset) {
    const withTakes = assets.filter((a) => a.candidates).map((a) => a.name);
    const near = nearest(name, withTakes);
    const hint = near ? ` (did you mean ${JSON.stringify(near)}?)` : withTakes.length ? "" : " (no asset of this project has candidates)";
    throw new UserError(`no asset is named ${JSON.stringify(name)}${hint}`);
  }
  if (asset.take)
    throw new UserError(`${JSON.stringify(name)} is a take; pick it with \`nanobanana pick ${asset.take.of} ${asset.take.k}\``);
  if (!asset.candidates)
    throw new UserError(
      `${JSON.stringify(name)} has no candidates to pick from; set \`candidates: N\` on it (${asset.source.file}:${asset.source.line}) to generate N takes`,
    );
  const n = asset.candidates.takes.length;
  if (k !== undefined && (!Number.isInteger(k) || k < 1 || k > n))
    throw new UserError(`${JSON.stringify(name)} has ${n} takes: pick one from 1 to ${n}, not ${k}`);
  return asset;
}
