import type { z } from "zod";
import type { Issue } from "./user-error.js";
import type { YamlSource, FieldPath } from "./yaml-source.js";
import { editDistance } from "../nearest.js";

/** Converts zod's issues into located, readable Issues for a YAML file. */
export function zodIssues(error: z.ZodError, source: YamlSource, data: unknown, schema?: z.ZodType): Issue[] {
  const known = schema ? fieldNames(schema) : [];
  const out: Issue[] = [];
  for (const iss of error.issues) {
    const path = iss.path.filter((p): p is string | number => typeof p !== "symbol");
    if (iss.code === "unrecognized_keys") {
      for (const key of iss.keys) {
        out.push(source.issue([...path, key], `unknown field ${JSON.stringify(key)}${suggest(key, known)}`, true));
      }
      continue;
    }
    out.push(source.issue(path, describe(iss, valueAt(data, path))));
  }
  return out;
}

function describe(iss: z.core.$ZodIssue, value: unknown): string {
  const shown = value === undefined ? "" : `${JSON.stringify(value)} `;
  if (iss.code === "invalid_value") {
    return `${shown}is not one of ${iss.values.map((v) => String(v)).join(", ")}`;
  }
  if (iss.code === "invalid_type") {
    const expected = TYPE_WORDS[iss.expected] ?? article(iss.expected);
    if (value === undefined) return `is required (expected ${expected})`;
    if (value === null) return `is empty (expected ${expected})`;
    return `${shown}should be ${expected}`;
  }
  if (iss.code === "too_small" || iss.code === "too_big") {
    const bound = String(iss.code === "too_small" ? iss.minimum : iss.maximum);
    const what =
      iss.origin === "array"
        ? `${iss.code === "too_small" ? "at least" : "at most"} ${bound} item${bound === "1" ? "" : "s"}`
        : iss.origin === "string"
          ? `${iss.code === "too_small" ? "at least" : "at most"} ${bound} character${bound === "1" ? "" : "s"}`
          : `${iss.code === "too_small" ? "at least" : "at most"} ${bound}`;
    return `${shown}should have ${what}`.replace(
      "should have at",
      iss.origin === "number" || iss.origin === "int" ? "should be at" : "should have at",
    );
  }
  if (iss.code === "invalid_union") return `${shown}is not a valid value here`;
  const primitive = value === null || typeof value !== "object";
  return value === undefined || !primitive ? iss.message : `${shown}${iss.message}`;
}

/** How a user would name what zod calls by its type name. */
const TYPE_WORDS: Record<string, string> = {
  record: "a mapping of names to values (key: value)",
  object: "a mapping (key: value)",
  array: "a list ([a, b] or - items)",
  string: "a string",
  number: "a number",
  boolean: "true or false",
};

function article(expected: string): string {
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

function valueAt(data: unknown, path: FieldPath): unknown {
  let cur: unknown = data;
  for (const seg of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string | number, unknown>)[seg];
  }
  return cur;
}

const namesCache = new WeakMap<object, string[]>();

/** Every field name a schema declares, at any depth (for "did you mean" hints). */
function fieldNames(schema: z.ZodType): string[] {
  let names = namesCache.get(schema);
  if (!names) {
    const found = new Set<string>();
    const walk = (s: unknown, depth: number) => {
      const def = (s as { _zod?: { def?: Record<string, unknown> } })?._zod?.def;
      if (!def || depth > 12) return;
      if (def.shape) for (const [k, v] of Object.entries(def.shape as Record<string, unknown>)) found.add(k), walk(v, depth + 1);
      for (const k of ["innerType", "element", "valueType", "in", "out", "schema"]) if (def[k]) walk(def[k], depth + 1);
      if (Array.isArray(def.options)) for (const o of def.options) walk(o, depth + 1);
    };
    walk(schema, 0);
    names = [...found];
    namesCache.set(schema, names);
  }
  return names;
}

function suggest(key: string, known: string[]): string {
  const lower = key.toLowerCase();
  const close = known.find((k) => k.toLowerCase() === lower) ?? known.find((k) => editDistance(k.toLowerCase(), lower) <= 2);
  return close ? ` (did you mean ${JSON.stringify(close)}?)` : "";
}
