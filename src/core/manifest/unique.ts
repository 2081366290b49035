import type { Issue } from "../errors/user-error.js";
import type { ResolvedAsset } from "../project.js";
import { outputKey } from "./names.js";

/**
 * Two assets may not share a name, nor an output file, counting outputs that differ only in
 * case or Unicode normalisation as one (they are one file on macOS and Windows). Linear.
 */
export function checkUnique(assets: readonly ResolvedAsset[], issues: Issue[]): void {
  const byName = new Map<string, ResolvedAsset>();
  const byOutput = new Map<string, ResolvedAsset>();
  const where = (a: ResolvedAsset) => `${a.source.file}:${a.source.line}`;
  for (const a of assets) {
    const n = byName.get(a.name);
    if (n)
      issues.push({
        ...a.source,
        path: `${a.source.path}.name`,
        message: `${JSON.stringify(a.name)} is also the name of an asset at ${where(n)}`,
      });
    else byName.set(a.name, a);
    const key = outputKey(a.output);
    const o = byOutput.get(key);
    if (o && !n) {
      const same =
        o.output === a.output ? "" : ` as ${o.output} (one file on macOS and Windows, which ignore case and Unicode normalisation)`;
      issues.push({
        ...a.source,
        path: `${a.source.path}.out`,
        message: `output ${a.output} is also written by ${JSON.stringify(o.name)} at ${where(o)}${same}`,
      });
    } else if (!o) byOutput.set(key, a);
  }
}
