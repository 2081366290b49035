/** A `{{var}}` template split once into literal text and variable slots. */
export interface CompiledTemplate {
  /** Literal strings at even indexes, variable names at odd indexes. */
  readonly parts: readonly string[];
  readonly vars: readonly string[];
}

/** `{{name}}`, or `{{name.field}}` for a field of a mapping value. */
const VAR = /\{\{\s*([A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)?)\s*\}\}/g;
const cache = new Map<string, CompiledTemplate>();

/** Compiles a template (memoised: manifests repeat the same strings across variants). */
export function compileTemplate(text: string): CompiledTemplate {
  let t = cache.get(text);
  if (!t) {
    const parts = text.split(VAR);
    const vars = parts.filter((_, i) => i % 2 === 1);
    t = { parts, vars };
    cache.set(text, t);
  }
  return t;
}

/** True when the string holds at least one `{{var}}`. */
export function hasVars(text: string): boolean {
  return compileTemplate(text).vars.length > 0;
}

/**
 * Fills a compiled template. Every variable must be present (checked beforehand, once per
 * asset, by the caller); `transform` changes interpolated values, e.g. to make them file-safe.
 */
export function renderTemplate(t: CompiledTemplate, vars: Record<string, unknown>, transform?: (v: string) => string): string {
  if (t.parts.length === 1) return t.parts[0];
  let out = t.parts[0];
  for (let i = 1; i < t.parts.length; i += 2) {
    const v = String(lookup(vars, t.parts[i]));
    out += (transform ? transform(v) : v) + t.parts[i + 1];
  }
  return out;
}

/** The value of `name` or `name.field` (a field of a mapping value). */
export function lookup(vars: Record<string, unknown>, ref: string): unknown {
  const dot = ref.indexOf(".");
  if (dot < 0) return vars[ref];
  const v = vars[ref.slice(0, dot)];
  return v && typeof v === "object" ? (v as Record<string, unknown>)[ref.slice(dot + 1)] : undefined;
}

/** The variable a template reference reads: `locale` for `locale.code`. */
export function headOf(ref: string): string {
  const dot = ref.indexOf(".");
  return dot < 0 ? ref : ref.slice(0, dot);
}

/** Makes an interpolated value safe inside a file name: `16:9` → `16-9`, `Black Marble` → `Black-Marble`. */
export function fileSafe(value: string): string {
  let safe = safeCache.get(value);
  if (safe === undefined) {
    safe = value.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^[-.]+|-+$/g, "") || "_";
    // Matrix values repeat across thousands of variants: remember them (bounded).
    if (safeCache.size > 100_000) safeCache.clear();
    safeCache.set(value, safe);
  }
  return safe;
}

const safeCache = new Map<string, string>();
