import type { z } from "zod";
import type { Issue } from "./user-error.js";
import type { YamlSource, FieldPath } from "./yaml-source.js";

/** Converts zod's issues into located, readable Issues for a YAML file. */
export function zodIssues(error: z.ZodError, source: YamlSource, data: unknown): Issue[] {
  const out: Issue[] = [];
  for (const iss of error.issues) {
    const path = iss.path.filter((p): p is string | number => typeof p !== "symbol");
    if (iss.code === "unrecognized_keys") {
      for (const key of iss.keys) {
        out.push(source.issue([...path, key], `unknown field ${JSON.stringify(key)}${suggest(key, knownKeys(iss))}`, true));
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
    return value === undefined ? `is required (expected ${iss.expected})` : `${shown}should be ${article(iss.expected)}`;
  }
  return value === undefined || iss.code === "custom" ? iss.message : `${shown}${iss.message}`;
}

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

function knownKeys(iss: z.core.$ZodIssueUnrecognizedKeys): string[] {
  return ((iss as unknown as { known?: string[] }).known ?? []) as string[];
}

function suggest(key: string, known: string[]): string {
  const close = known.find((k) => k.toLowerCase() === key.toLowerCase());
  return close ? ` (did you mean ${JSON.stringify(close)}?)` : "";
}
