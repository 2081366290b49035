import { rmSync } from "node:fs";
import path from "node:path";
import { countDerived, planDerived } from "../../core/derive/plan.js";
import type { Lockfile } from "../../core/lock/types.js";
import { matchesAny, nameGlob } from "../../core/name-glob.js";
import { needsGeneration, type Plan } from "../../core/plan/types.js";
import type { Project } from "../../core/project.js";
import type { BuildResult, EventSink } from "../build/events.js";
import type { LockWriter } from "../state/lock-writer.js";
import { deriveAll } from "./derive-all.js";
import { writeAssetModule } from "../codegen/write-module.js";
import { gatherDerivedFacts } from "./facts.js";
import { altUsd, planAlt } from "../../core/alt/plan.js";
import { round } from "../../core/catalog/prices.js";
import type { Budget } from "../build/budget.js";
import { DescriptionCache, describeAll } from "../alt/describe-all.js";
import type { ProviderRuntime } from "../providers/runtime.js";

/** Adds the derived-file work to a plan (in place), apart from the paid items. */
export function planDerivedWork(project: Project, p: Plan, lock: Lockfile, only?: string[], stateDir?: string): void {
  // The names the build generates, made only when there is an alt or a derived file to plan.
  let names: Set<string> | undefined;
  const generating = (n: string) => (names ??= new Set(p.items.filter((i) => needsGeneration(i.action)).map((i) => i.name))).has(n);
  if (stateDir && project.assets.some((a) => a.alt && "auto" in a.alt)) {
    const cache = new DescriptionCache(stateDir);
    const alt = planAlt(selected(project, only), lock, generating, (sha) => cache.get(sha) !== undefined);
    if (alt.length) {
      p.alt = alt;
      p.altUsd = altUsd(alt.filter((i) => i.action !== "up-to-date"));
      // Descriptions are paid too: in the plan's total (and so in the budget check).
      p.estimatedUsd = round(p.estimatedUsd + p.altUsd);
    }
  }
  if (!project.assets.some((a) => a.derived?.length) && !Object.values(lock.assets).some((e) => e.derived?.length)) return;
  const assets = selected(project, only);
  const items = planDerived(assets, lock, gatherDerivedFacts(project.root, assets), generating);
  p.derived = items;
  p.derivedCounts = countDerived(items);
}

/**
 * The build's local steps after collecting: make the derived files of every current image and
 * record them in the lock, flush the lock, then write the asset module. Never talks to a provider.
 */
export async function afterCollect(
  project: Project,
  writer: LockWriter,
  opts: { only?: string[]; signal?: AbortSignal },
  emit: EventSink,
  p: Plan,
  stateDir: string,
  /** Connects the provider for `alt: auto` descriptions (only called when one is needed). */
  describer?: () => Promise<ProviderRuntime>,
  /** The build's spending cap: each description reserves its price first (`budget.maxUsd`). */
  budget?: Budget,
): Promise<Pick<BuildResult, "derived" | "codegen" | "alt">> {
  const assets = selected(project, opts.only);
  const out: Pick<BuildResult, "derived" | "codegen" | "alt"> = {};
  // A regenerated asset's lock entry no longer lists its old derived files: drop the unwanted ones here.
  const regenerated = new Set(p.items.filter((i) => needsGeneration(i.action)).map((i) => i.name));
  let removed = 0;
  for (const d of p.derived ?? []) {
    if (d.action === "remove" && regenerated.has(d.name)) {
      rmSync(path.join(project.root, d.output), { force: true });
      removed++;
    }
  }
  if (assets.some((a) => a.derived?.length) || assets.some((a) => writer.lock.assets[a.name]?.derived?.length)) {
    out.derived = await deriveAll(assets, writer.lock, {
      root: project.root,
      record: (name, entry) => writer.set(name, entry),
      onMade: (name, output) => emit({ type: "derived", name, output }),
      onWarning: (name, message) => emit({ type: "warning", name, message }),
      signal: opts.signal,
    });
    out.derived.removed += removed;
  }
  if (describer && assets.some((a) => a.alt && "auto" in a.alt)) {
    out.alt = await describeAll(assets, writer.lock, {
      root: project.root,
      stateDir,
      provider: describer,
      record: (name, entry) => writer.set(name, entry),
      onDescribed: (name, text, costUsd) => emit({ type: "described", name, text, costUsd }),
      onWarning: (name, message) => emit({ type: "warning", name, message }),
      signal: opts.signal,
      reserve: budget && ((name, usd) => budget.reserveUsd(`alt:${name}`, usd, "this description")),
      settle: budget && ((name, usd) => budget.settleKey(`alt:${name}`, usd)),
    });
  }
  await writer.flush();
  const codegen = await writeAssetModule(project, writer.lock, stateDir);
  if (codegen) out.codegen = codegen;
  return out;
}

function selected(project: Project, only?: string[]) {
  if (!only?.length) return project.assets;
  const globs = only.map(nameGlob);
  return project.assets.filter((a) => matchesAny(a.name, globs));
}
