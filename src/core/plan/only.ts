import { UserError } from "../errors/user-error.js";
import { matchesAny, nameGlob } from "../name-glob.js";
import type { PlanItem } from "./types.js";

/**
 * The items whose name matches one of the `--only` globs, with the paid sources of a matched
 * cut-out (`ownerOf` gives the asset a source belongs to); none matching is a usage error.
 */
export function selectOnly(
  items: PlanItem[],
  only: readonly string[] | undefined,
  ownerOf?: (name: string) => string | undefined,
): PlanItem[] {
  if (!only?.length) return items;
  const globs = only.map(nameGlob);
  const matches = (name: string | undefined) => name !== undefined && matchesAny(name, globs);
  const kept = items.filter((i) => matches(i.name) || matches(ownerOf?.(i.name)));
  if (kept.length === 0) {
    const some = items
      .slice(0, 3)
      .map((i) => i.name)
      .join(", ");
    throw new UserError(`no asset matches --only ${only.join(", ")} (${items.length} assets${some ? `, e.g. ${some}` : ""})`);
  }
  return kept;
}
