import type { ImageFormat } from "../catalog/models.js";
import { derivedOutput } from "./naming.js";
import { normalizePipeline, type DerivePipeline } from "./pipeline.js";
import type { DeriveEntry } from "./schema.js";

/** One derived file of an asset, resolved: where it goes and what makes it. */
export interface DerivedSpec {
  /** Project-relative, posix. */
  output: string;
  pipeline: DerivePipeline;
}

/**
 * Resolves an asset's derive entries against its output path and format. Problems (an entry
 * with nothing to name it by, two entries writing one file) come back as messages keyed by
 * the entry's index.
 */
export function resolveDerived(
  entries: DeriveEntry[],
  assetOutput: string,
  format: ImageFormat,
): { derived: DerivedSpec[]; problems: { index: number; message: string }[] } {
  const derived: DerivedSpec[] = [];
  const problems: { index: number; message: string }[] = [];
  const seen = new Map<string, number>([[assetOutput, -1]]);
  entries.forEach((entry, index) => {
    const pipeline = normalizePipeline(entry, format);
    const output = derivedOutput(assetOutput, entry, pipeline.format);
    if (!output) {
      problems.push({ index, message: "a derived file without width or height needs a name (its file name suffix)" });
      return;
    }
    const other = seen.get(output);
    if (other !== undefined) {
      problems.push({
        index,
        message: `writes ${output}, like ${other < 0 ? "the generated image itself" : `derive[${other}]`}; give it a name`,
      });
      return;
    }
    seen.set(output, index);
    derived.push({ output, pipeline });
  });
  return { derived, problems };
}
