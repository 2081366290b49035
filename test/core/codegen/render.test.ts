import { describe, expect, it } from "vitest";
import { moduleEntries, renderJsonModule, renderTsModule } from "../../../src/core/codegen/index.js";
import type { LockEntry } from "../../../src/core/lock/types.js";
import type { ResolvedAsset } from "../../../src/core/project.js";

const asset = (name: string, alt?: string) =>
  ({
    name,
    output: `gen/${name}.png`,
    spec: { aspectRatio: "1:1", prompt: `p ${name}` },
    alt: alt ? { text: alt } : undefined,
  }) as unknown as ResolvedAsset;
const entry = (name: string): LockEntry =>
  ({
    hash: `h-${name}`,
    model: "nano-banana-2",
    output: `gen/${name}.png`,
    sha256: `s-${name}`,
    width: 10,
    height: 20,
    format: "png",
    spec: { aspectRatio: "1:2", prompt: `p ${name}` },
    derived: [{ output: `gen/${name}-5w.webp`, width: 5, height: 10, format: "webp" }],
  }) as unknown as LockEntry;

describe("asset module text", () => {
  it("lists an asset with candidates, not its takes", () => {
    const take = { ...asset("hero.take-2"), take: { of: "hero", k: 2 } } as ResolvedAsset;
    const lock = { hero: entry("hero"), "hero.take-2": entry("hero.take-2") };
    const entries = moduleEntries([asset("hero"), take], lock, { outDir: "gen", moduleDir: "src" }, (e) => `data:${e.sha256}`);
    expect(entries.map((e) => e.name)).toEqual(["hero"]);
  });

  it("is sorted by name whatever the declaration order, and skips assets never built", () => {
    const lock = { b: entry("b"), a: entry("a") };
    const e1 = moduleEntries(
      [asset("b", "Bee"), asset("a"), asset("c")],
      lock,
      { outDir: "gen", moduleDir: "src" },
      (e) => `data:${e.sha256}`,
    );
    const e2 = moduleEntries([asset("a"), asset("b", "Bee")], lock, { outDir: "gen", moduleDir: "src" }, (e) => `data:${e.sha256}`);
    expect(renderTsModule(e1)).toBe(renderTsModule(e2));
    const json = JSON.parse(renderJsonModule(e1));
    expect(Object.keys(json)).toEqual(["a", "b"]);
    expect(json.b).toEqual({
      src: "../gen/b.png",
      width: 10,
      height: 20,
      format: "png",
      aspectRatio: "1:2",
      alt: "Bee",
      placeholder: "data:s-b",
      files: [
        { src: "../gen/b.png", width: 10, height: 20, format: "png" },
        { src: "../gen/b-5w.webp", width: 5, height: 10, format: "webp" },
      ],
      meta: { model: "nano-banana-2", specHash: "h-b", prompt: "p b" },
    });
    expect(renderTsModule(e1)).toMatch(
      /as const satisfies Record<string, GeneratedAsset>;\n\nexport type AssetName = keyof typeof assets;/,
    );
  });
});
