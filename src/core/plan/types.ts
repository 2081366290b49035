import type { PlanNeed } from "./needs.js";
import type { DerivedAction, DerivedPlanItem } from "../derive/plan.js";
import type { AltPlanItem } from "../alt/plan.js";

/**
 * What a build will do with one asset. `rejected`: an image for this exact spec was paid for
 * and failed its quality gates; nothing is paid again unless asked (`build --retry-rejected`).
 */
export type PlanAction = "new" | "changed" | "output-missing" | "up-to-date" | "orphaned" | "rejected";

export interface PlanItem {
  name: string;
  action: PlanAction;
  /** Why, in words: "prompt, seed changed", "output file missing", … */
  reason: string;
  /** Spec fields that differ from the lock (for `changed`). */
  changed?: string[];
  /** The current spec hash (the lock's, for orphans). */
  hash: string;
  output: string;
  model: string;
  resolution: string;
  /** Listed price of generating it now; 0 when nothing is to be generated. */
  estimatedUsd: number;
}

/** Plain data: printable as JSON, testable without disk or network. */
export interface Plan {
  provider: string;
  simulate: boolean;
  /** Each asset (manifest assets and orphaned lock entries). planProject also returns them as `assets`; prefer that name. */
  items: PlanItem[];
  /** Sum of estimatedUsd over the work, plus the descriptions' `altUsd`. */
  estimatedUsd: number;
  counts: Record<PlanAction, number>;
  /** What the user must provide first (e.g. an https URL for a local reference on a URL-only provider). */
  needs?: PlanNeed[];
  /** Local work on derived files (`derive:`), never paid; listed apart from the generations. */
  derived?: DerivedPlanItem[];
  derivedCounts?: Record<DerivedAction, number>;
  /** `alt: auto` descriptions (paid to the provider's text model), listed apart from the images. */
  alt?: AltPlanItem[];
  /** Sum of the descriptions' estimates (included in estimatedUsd). */
  altUsd?: number;
}

/** What the filesystem says about each output file (gathered by gatherFacts). */
export type OutputFacts = Map<string, { bytes: number; sha256?: string }>;

/** True for the actions that submit a paid task. */
export function needsGeneration(action: PlanAction): boolean {
  return action === "new" || action === "changed" || action === "output-missing";
}
