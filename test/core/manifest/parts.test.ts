import { describe, expect, it } from "vitest";
import { PROFILES } from "../../../src/core/catalog/profiles.js";
import { cascade } from "../../../src/core/manifest/cascade.js";
import { variants, type MatrixInput } from "../../../src/core/manifest/matrix.js";
import { nameProblem, outputInside } from "../../../src/core/manifest/names.js";
import { checkSettings } from "../../../src/core/manifest/validate.js";
import { checkVariables } from "../../../src/core/manifest/variables.js";
import { compileTemplate } from "../../../src/core/manifest/template.js";

describe("expansion parts, on plain objects", () => {
  it("cascade: later layers win, undefined does not erase, each field remembers its layer", () => {
    const c = cascade({
      builtin: { model: "nano-banana-2", resolution: "1K" },
      config: { resolution: "2K", seed: 3 },
      brand: { prefix: "x", resolution: undefined } as object,
      manifest: { format: "jpeg" },
      asset: { seed: 9, name: "a" } as object,
    });
    expect(c.settings).toEqual({ model: "nano-banana-2", resolution: "2K", seed: 9, format: "jpeg" });
    expect(c.from).toEqual({ model: "builtin", resolution: "config", seed: "asset", format: "manifest" });
  });

  it("matrix: the cartesian product in key order", () => {
    const vars = (m: Parameters<typeof variants>[0], base = {}) => [...variants(m, base)].map((v) => v.vars);
    expect(vars({ a: [1, 2], b: ["x", "y"] }, { c: 0 })).toEqual([
      { a: 1, b: "x", c: 0 },
      { a: 1, b: "y", c: 0 },
      { a: 2, b: "x", c: 0 },
      { a: 2, b: "y", c: 0 },
    ]);
    expect(vars(undefined, { c: 0 })).toEqual([{ c: 0 }]);
    expect(vars({}, { c: 0 })).toEqual([{ c: 0 }]);
  });

  it("matrix: include and exclude follow GitHub Actions (the documented example)", () => {
    // https://docs.github.com/en/actions/how-tos/write-workflows/choose-what-workflows-do/run-job-variations
    const m: MatrixInput = {
      fruit: ["apple", "pear"],
      animal: ["cat", "dog"],
      include: [
        { color: "green" },
        { color: "pink", animal: "cat" },
        { fruit: "apple", shape: "circle" },
        { fruit: "banana" },
        { fruit: "banana", animal: "cat" },
      ],
    };
    expect([...variants(m, {})]).toEqual([
      { vars: { fruit: "apple", animal: "cat", color: "pink", shape: "circle" } },
      { vars: { fruit: "apple", animal: "dog", color: "green", shape: "circle" } },
      { vars: { fruit: "pear", animal: "cat", color: "pink" } },
      { vars: { fruit: "pear", animal: "dog", color: "green" } },
      { vars: { fruit: "banana" }, include: 3 },
      { vars: { fruit: "banana", animal: "cat" }, include: 4 },
    ]);
    const ex = { os: ["mac", "win"], v: [1, 2], exclude: [{ os: "win", v: 1 }] };
    expect([...variants(ex, {})].map((v) => v.vars)).toEqual([
      { os: "mac", v: 1 },
      { os: "mac", v: 2 },
      { os: "win", v: 2 },
    ]);
    const maps = { locale: [{ code: "en" }, { code: "de" }], exclude: [{ locale: { code: "de" } }] };
    expect([...variants(maps, {})].map((v) => v.vars)).toEqual([{ locale: { code: "en" } }]);
    expect([...variants({ include: [{ a: 1 }, { a: 2 }] }, {})].map((v) => v.vars)).toEqual([{ a: 1 }, { a: 2 }]);
  });

  it("validate: enums, model, seed, then the provider's capabilities", () => {
    const raw = { model: "nano-banana-pro", resolution: "2K", aspectRatio: "16:9", format: "png", seed: undefined, webSearch: false };
    expect(checkSettings(raw, PROFILES.apidot, 0)).toEqual({
      settings: {
        model: "nano-banana-pro",
        modelId: "nano-banana-pro",
        resolution: "2K",
        aspectRatio: "16:9",
        format: "png",
        seed: undefined,
        webSearch: false,
      },
    });
    const bad = checkSettings({ ...raw, aspectRatio: "7:3", seed: "x" }, PROFILES.apidot, 0);
    expect(bad).toEqual({
      problems: [
        { field: "aspectRatio", value: '"7:3"', message: expect.stringMatching(/^is not one of 1:1/) },
        { field: "seed", value: '"x"', message: "is not a whole number from 0 to 2147483647" },
      ],
    });
    expect(checkSettings({ ...raw, resolution: "0.5K" }, PROFILES.apidot, 0)).toEqual({
      problems: [{ field: "resolution", message: '"0.5K" is not available for nano-banana-pro on apidot (allowed: 1K, 2K, 4K)' }],
    });
  });

  it("variables: unknown ones at their field, unused matrix keys at the key", () => {
    const problems = checkVariables(
      [{ field: "prompt", path: ["assets", 0, "prompt"], t: compileTemplate("x {{a}} {{zz}}") }],
      new Set(["a", "b"]),
      ["a", "b"].map((key) => ({ key, path: ["assets", 0, "matrix", key] })),
    );
    expect(problems).toEqual([
      { path: ["assets", 0, "prompt"], message: "prompt uses {{zz}}, which is not set in vars or matrix (set: a, b)" },
      { path: ["assets", 0, "matrix", "b"], message: 'matrix key "b" is not used in the name, prompt or any field', key: true },
    ]);
  });

  it("names and outputs stay inside outDir", () => {
    expect(nameProblem("hero/a")).toBeUndefined();
    expect(nameProblem("../a")).toMatch(/must not be empty, \. or \.\./);
    expect(outputInside("generated", "x/y.png")).toEqual({ output: "generated/x/y.png" });
    expect(outputInside("generated", "../y.png")).toEqual({ error: 'output "../y.png" would leave outDir "generated"' });
  });
});
