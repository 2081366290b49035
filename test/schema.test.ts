import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { jsonSchemas } from "../src/index.js";

describe("schema/", () => {
  it("matches the zod schemas (run `npm run schema` after changing them)", () => {
    for (const [name, schema] of Object.entries(jsonSchemas())) {
      const committed = JSON.parse(readFileSync(path.join(__dirname, "..", "schema", name), "utf8"));
      expect(committed, `schema/${name} is out of date: run npm run schema`).toEqual(JSON.parse(JSON.stringify(schema)));
    }
  });

  it("every field has a description", () => {
    const missing: string[] = [];
    const walk = (node: unknown, at: string) => {
      if (!node || typeof node !== "object") return;
      const n = node as Record<string, unknown>;
      if (n.properties) {
        for (const [k, v] of Object.entries(n.properties as Record<string, Record<string, unknown>>)) {
          if (!v.description && k !== "$schema") missing.push(`${at}.${k}`);
          walk(v, `${at}.${k}`);
        }
      }
      for (const k of ["items", "additionalProperties", "anyOf", "allOf"]) if (n[k]) walk(n[k], at);
      if (Array.isArray(node)) node.forEach((x) => walk(x, at));
    };
    for (const [name, schema] of Object.entries(jsonSchemas())) walk(schema, name);
    expect(missing).toEqual([]);
  });
});
