import { describe, expect, it } from "vitest";
import { deriveHash, derivedOutput, normalizePipeline, planDerived, resolveDerived } from "../../../src/core/derive/index.js";
import type { Lockfile } from "../../../src/core/lock/types.js";
import type { ResolvedAsset } from "../../../src/core/project.js";

describe("derive: naming, hashing, planning", () => {
  it("names files <name>-<width>w.<ext>, by height or suffix otherwise", () => {
    expect(derivedOutput("gen/hero.png", { width: 400 }, "webp")).toBe("gen/hero-400w.webp");
    expect(derivedOutput("gen/hero.png", { height: 300 }, "jpeg")).toBe("gen/hero-300h.jpg");
    expect(derivedOutput("gen/hero.png", { width: 400, name: "card" }, "png")).toBe("gen/hero-card.png");
    expect(derivedOutput("gen/hero.png", { trim: true }, "png")).toBeUndefined();
  });

  it("hashes the source image and the pipeline, with defaults filled in", () => {
    const a = normalizePipeline({ width: 400 }, "png");
    expect(a).toMatchObject({ fit: "inside", format: "png", focus: "centre", padColor: "#00000000" });
    expect(normalizePipeline({ width: 4, height: 4 }, "jpeg")).toMatchObject({ fit: "cover", padColor: "#ffffffff" });
    expect(deriveHash("s1", a)).toBe(deriveHash("s1", normalizePipeline({ width: 400, fit: "inside", format: "png" }, "png")));
    expect(deriveHash("s1", a)).not.toBe(deriveHash("s2", a));
    expect(deriveHash("s1", a)).not.toBe(deriveHash("s1", normalizePipeline({ width: 400, quality: 80 }, "png")));
  });

  it("plans make / up-to-date / after-generation / remove from the lock and file sizes", () => {
    const { derived } = resolveDerived([{ width: 100 }, { width: 200 }], "g/a.png", "png");
    const asset = { name: "a", output: "g/a.png", hash: "h", derived } as unknown as ResolvedAsset;
    const rec = (output: string, w: number) => ({
      output,
      hash: deriveHash("img", normalizePipeline({ width: w }, "png")),
      sha256: "x",
      bytes: 10,
      width: w,
      height: w,
      format: "png",
    });
    const lock = {
      version: 1,
      assets: { a: { hash: "h", sha256: "img", derived: [rec("g/a-100w.png", 100), rec("g/a-50w.png", 50)] } },
    } as unknown as Lockfile;
    const facts = new Map([["g/a-100w.png", { bytes: 10 }]]);
    const items = planDerived([asset], lock, facts, () => false);
    expect(items.map((i) => [i.output, i.action])).toEqual([
      ["g/a-100w.png", "up-to-date"],
      ["g/a-200w.png", "make"],
      ["g/a-50w.png", "remove"],
    ]);
    expect(planDerived([asset], lock, facts, () => true).map((i) => i.action)).toEqual(["after-generation", "after-generation", "remove"]);
  });
});
