import { statSync } from "node:fs";
import path from "node:path";
import type { DerivedFacts } from "../../core/derive/plan.js";
import type { ResolvedAsset } from "../../core/project.js";

/** Stats every derived file the assets ask for (a stat each, no reads). */
export function gatherDerivedFacts(root: string, assets: ResolvedAsset[]): DerivedFacts {
  const facts: DerivedFacts = new Map();
  for (const a of assets) {
    for (const d of a.derived ?? []) {
      try {
        const st = statSync(path.join(root, d.output));
        if (st.isFile()) facts.set(d.output, { bytes: st.size });
      } catch {
        // missing: the plan says "make"
      }
    }
  }
  return facts;
}
