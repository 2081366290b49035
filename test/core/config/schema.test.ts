import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { jsonSchemas } from "../../../src/all.js";

describe("schema/", () => {
  it("matches the zod schemas (run `npm run schema` after changing them)", () => {
    for (const [name, schema] of Object.entries(jsonSchemas())) {
      const committed = JSON.parse(readFileSync(path.join(__dirname, "..", "..", "..", "schema", name), "utf8"));
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
      if (Array.isArray(node)) for (const x of node) walk(x, at);
    };
    for (const [name, schema] of Object.entries(jsonSchemas())) walk(schema, name);
    expect(missing).toEqual([]);
  });
});

describe("nanobanana.config.yaml.example", () => {
  it("is a valid config that loads with a manifest", async () => {
    const { cpSync, mkdtempSync, writeFileSync, mkdirSync, rmSync } = await import("node:fs");
    const os = await import("node:os");
    const { loadProject } = await import("../../../src/all.js");
    const dir = mkdtempSync(path.join(os.tmpdir(), "nb-example-"));
    try {
      cpSync(path.join(__dirname, "..", "..", "..", "nanobanana.config.yaml.example"), path.join(dir, "nanobanana.config.yaml"));
      mkdirSync(path.join(dir, "assets"));
      writeFileSync(path.join(dir, "assets", "a.yaml"), "assets:\n  - name: a\n    prompt: x\n    brand: aether\n");
      const p = loadProject({ cwd: dir });
      expect(p.assets[0].spec.prompt).toBe("Aether Audio house style: matte titanium, teal accents, soft studio light. x No watermark.");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
