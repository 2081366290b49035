import { z } from "zod";
import { UserError } from "../errors/user-error.js";
import { round } from "../catalog/prices.js";
import { needsGeneration, type Plan } from "./types.js";

const PlannedAsset = z
  .object({
    name: z.string().describe("Asset name"),
    hash: z.string().describe("Spec hash the build will generate"),
    action: z.enum(["new", "changed", "output-missing"]).describe("Why it is generated"),
    provider: z.string().describe("Provider that generates it"),
    model: z.string().describe("Model family name"),
    resolution: z.string().describe("Resolution"),
    estimatedUsd: z.number().describe("Listed price at planning time"),
  })
  .strict();

/** `nanobanana plan --out FILE`: the exact work a later `build --plan FILE` may do. */
export const PlanFileSchema = z
  .object({
    nanobananaPlan: z.literal(1).describe("Plan file format version"),
    provider: z.string().describe("Provider of the build"),
    simulate: z.boolean().describe("True when the build runs on the simulator"),
    only: z.array(z.string()).describe("The --only globs the plan was made with (empty: every asset)"),
    estimatedUsd: z.number().describe("Sum of the assets' estimates"),
    assets: z.array(PlannedAsset).describe("The assets to generate, in plan order"),
  })
  .strict();

export type PlanFile = z.infer<typeof PlanFileSchema>;

/** The plan file of a plan: only the assets it would generate. Pure. */
export function toPlanFile(plan: Plan, only: readonly string[] = []): PlanFile {
  const assets = plan.items
    .filter((i) => needsGeneration(i.action))
    .map((i) => ({
      name: i.name,
      hash: i.hash,
      action: i.action as "new" | "changed" | "output-missing",
      provider: plan.provider,
      model: i.model,
      resolution: i.resolution,
      estimatedUsd: i.estimatedUsd,
    }));
  return {
    nanobananaPlan: 1,
    provider: plan.provider,
    simulate: plan.simulate,
    only: [...only],
    estimatedUsd: round(assets.reduce((s, a) => s + a.estimatedUsd, 0)),
    assets,
  };
}

export function serializePlanFile(file: PlanFile): string {
  return `${JSON.stringify(file, null, 2)}\n`;
}

/** Reads a plan file's text; a file that is not one is a UserError naming `shown`. */
export function parsePlanFile(text: string, shown: string): PlanFile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new UserError(`${shown} is not JSON (${(err as Error).message}); make one with nanobanana plan --out ${shown}`);
  }
  const parsed = PlanFileSchema.safeParse(data);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new UserError(`${shown} is not a nanobanana plan file: ${first.path.join(".") || "(root)"}: ${first.message}`);
  }
  return parsed.data;
}

/**
 * What differs between a saved plan and the plan the project produces now, one line each
 * (empty when they are the same work at the same prices). Pure.
 */
export function planChanges(saved: PlanFile, now: Plan): string[] {
  const current = toPlanFile(now, saved.only);
  const changes: string[] = [];
  if (saved.provider !== current.provider) changes.push(`provider: the plan uses ${saved.provider}, the project now ${current.provider}`);
  if (saved.simulate !== current.simulate)
    changes.push(
      `simulate: the plan ${saved.simulate ? "is simulated" : "is real"}, the project now ${current.simulate ? "simulates" : "builds for real"}`,
    );
  const was = new Map(saved.assets.map((a) => [a.name, a]));
  const is = new Map(current.assets.map((a) => [a.name, a]));
  const reasons = new Map(now.items.map((i) => [i.name, i]));
  for (const [name, a] of was) {
    const b = is.get(name);
    if (!b) {
      const item = reasons.get(name);
      changes.push(`${name}: planned, no longer to generate (${item ? `${item.action}: ${item.reason}` : "no longer in the manifests"})`);
      continue;
    }
    if (a.hash !== b.hash) changes.push(`${name}: spec changed since the plan (${a.hash.slice(0, 12)}… → ${b.hash.slice(0, 12)}…)`);
    else if (a.model !== b.model || a.resolution !== b.resolution)
      changes.push(`${name}: now ${b.model} ${b.resolution}, planned ${a.model} ${a.resolution}`);
    if (a.estimatedUsd !== b.estimatedUsd) changes.push(`${name}: price now $${b.estimatedUsd}, planned $${a.estimatedUsd}`);
  }
  for (const [name, b] of is) if (!was.has(name)) changes.push(`${name}: to generate now (${b.action}), not in the plan`);
  return changes;
}

/** `build --plan`: the project no longer produces the saved plan. A usage error (exit 2). */
export class PlanChangedError extends UserError {
  override name = "PlanChangedError";
  constructor(readonly changes: string[]) {
    super(
      `the project no longer produces this plan (nothing was built):\n${changes.map((c) => `  ${c}`).join("\n")}\nmake a new plan with nanobanana plan --out FILE`,
    );
  }
}
