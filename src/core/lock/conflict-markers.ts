/** The sides of a file that git left with conflict markers. */
export interface ConflictSides {
  ours: string;
  theirs: string;
  /** Present with `merge.conflictStyle = diff3` / `zdiff3`. */
  base?: string;
}

/** True when the text has git conflict markers at line starts. */
export function hasConflictMarkers(text: string): boolean {
  return /^<{7}(?: |$)/m.test(text) && /^>{7}(?: |$)/m.test(text);
}

/**
 * Rebuilds each side of a conflicted file: lines outside conflicts go to every side; inside,
 * `<<<<<<<`…`|||||||` (or `=======`) is ours, `|||||||`…`=======` the base, `=======`…`>>>>>>>` theirs.
 */
export function splitConflict(text: string): ConflictSides {
  const ours: string[] = [];
  const theirs: string[] = [];
  const base: string[] = [];
  let sawBase = false;
  let where: "common" | "ours" | "base" | "theirs" = "common";
  for (const line of text.split("\n")) {
    if (/^<{7}(?: |$)/.test(line) && where === "common") where = "ours";
    else if (/^\|{7}(?: |$)/.test(line) && where === "ours") {
      where = "base";
      sawBase = true;
    } else if (/^={7}$/.test(line) && (where === "ours" || where === "base")) where = "theirs";
    else if (/^>{7}(?: |$)/.test(line) && where === "theirs") where = "common";
    else if (where === "common") {
      ours.push(line);
      theirs.push(line);
      base.push(line);
    } else (where === "ours" ? ours : where === "theirs" ? theirs : base).push(line);
  }
  return { ours: ours.join("\n"), theirs: theirs.join("\n"), base: sawBase ? base.join("\n") : undefined };
}
