/**
 * Compiles a name glob (`hero/*`, `**\/banner`, `hero/{a,b}-*`) to a RegExp: `*` matches
 * within one path segment, `**` across segments, `?` one character, `{a,b}` alternatives.
 */
export function nameGlob(glob: string): RegExp {
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === "*") {
      if (glob[i + 1] === "*") {
        i++;
        if (glob[i + 1] === "/") {
          i++;
          re += "(?:.*/)?";
        } else re += ".*";
      } else re += "[^/]*";
    } else if (c === "?") re += "[^/]";
    else if (c === "{") re += "(?:";
    else if (c === "}") re += ")";
    else if (c === ",") re += glob.lastIndexOf("{", i) > glob.lastIndexOf("}", i) ? "|" : ",";
    else re += c.replace(/[.+^$()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

/** True when `name` matches any of the globs. */
export function matchesAny(name: string, globs: RegExp[]): boolean {
  return globs.some((g) => g.test(name));
}
