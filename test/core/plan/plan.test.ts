import { describe, expect, it } from "vitest";
import { plan, specHash, type LockEntry, type Lockfile, type ResolvedAsset } from "../../../src/index.js";

function asset(name: string, prompt = `photo of ${name}`, extra: Partial<ResolvedAsset["spec"]> = {}): ResolvedAsset {
  const spec = {
    provider: "apidot" as const,
    model: "nano-banana-pro" as const,
    modelId: "nano-banana-pro",
    prompt,
    resolution: "2K" as const,
    aspectRatio: "1:1" as const,
    format: "png" as const,
    webSearch: false,
    references: [],
    ...extra,
  };
  return {
    name,
    output: `generated/${name}.png`,
    spec,
    hash: specHash(spec),
    source: { file: "assets/a.yaml", line: 1, col: 1, path: "assets[0]" },
  };
}

function entry(a: ResolvedAsset, extra: Partial<LockEntry> = {}): LockEntry {
  const { provider, model, modelId, ...spec } = a.spec;
  return {
    hash: a.hash,
    provider,
    model,
    modelId,
    taskId: `t-${a.name}`,
    output: a.output,
    sha256: "f".repeat(64),
    bytes: 100,
    width: 2048,
    height: 2048,
    format: "png",
    cost: { usd: 0.09, credits: 18, source: "provider" },
    generatedAt: "2026-11-01T00:00:00.000Z",
    spec,
    ...extra,
  };
}

const lockOf = (...entries: [string, LockEntry][]): Lockfile => ({ version: 1, assets: Object.fromEntries(entries) });

describe("plan (pure)", () => {
  const a = asset("a");
  const b = asset("b");

  it("classifies new, up to date, changed (with fields), output missing and orphaned", () => {
    const bEdited = asset("b", "photo of b, at dusk", { seed: 4 });
    const c = asset("c");
    const lock = lockOf(["a", entry(a)], ["b", entry(b)], ["c", entry(c)], ["gone", entry(asset("gone"))]);
    const facts = new Map([
      [a.output, { bytes: 100 }],
      [b.output, { bytes: 100 }],
    ]);
    const p = plan({ assets: [a, bEdited, c, asset("d")], simulate: false, provider: "apidot" }, lock, facts);
    const by = Object.fromEntries(p.items.map((i) => [i.name, i]));
    expect(by.a).toMatchObject({ action: "up-to-date", estimatedUsd: 0 });
    expect(by.b).toMatchObject({ action: "changed", changed: ["prompt", "seed"], reason: "prompt, seed changed", estimatedUsd: 0.09 });
    expect(by.c).toMatchObject({ action: "output-missing", reason: "output file missing" });
    expect(by.d).toMatchObject({ action: "new", estimatedUsd: 0.09 });
    expect(by.gone).toMatchObject({ action: "orphaned", estimatedUsd: 0 });
    expect(p.counts).toEqual({ new: 1, changed: 1, "output-missing": 1, "up-to-date": 1, orphaned: 1, rejected: 0 });
    expect(p.estimatedUsd).toBe(0.27);
  });

  it("a size mismatch is output-missing; with verify, so is a content mismatch", () => {
    const lock = lockOf(["a", entry(a)]);
    expect(plan({ assets: [a], simulate: false, provider: "apidot" }, lock, new Map([[a.output, { bytes: 99 }]])).items[0].action).toBe(
      "output-missing",
    );
    const facts = new Map([[a.output, { bytes: 100, sha256: "0".repeat(64) }]]);
    expect(plan({ assets: [a], simulate: false, provider: "apidot" }, lock, facts).items[0].action).toBe("up-to-date");
    expect(plan({ assets: [a], simulate: false, provider: "apidot", verify: true }, lock, facts).items[0]).toMatchObject({
      action: "output-missing",
      reason: "output file content differs from the lock",
    });
  });

  it("a simulated entry is up to date for a simulated build, never for a real one", () => {
    const lock = lockOf(["a", entry(a, { simulated: true })]);
    const facts = new Map([[a.output, { bytes: 100 }]]);
    expect(plan({ assets: [a], simulate: true, provider: "apidot" }, lock, facts).items[0].action).toBe("up-to-date");
    expect(plan({ assets: [a], simulate: false, provider: "apidot" }, lock, facts).items[0]).toMatchObject({
      action: "changed",
      reason: "simulated image; this build is real",
    });
  });

  it("names a provider or model switch", () => {
    const moved = asset("a", "photo of a", { provider: "fal", modelId: "fal-ai/nano-banana-pro" });
    const p = plan({ assets: [moved], simulate: false, provider: "fal" }, lockOf(["a", entry(a)]), new Map());
    expect(p.items[0].changed).toEqual(["provider", "model"]);
  });

  it("an asset the local store can restore costs nothing in the estimate", () => {
    const edited = asset("a", "photo of a, again");
    const p = plan(
      { assets: [edited, asset("b")], simulate: false, provider: "apidot", stored: new Set([edited.hash]) },
      lockOf(["a", entry(a)]),
      new Map(),
    );
    expect(p.items[0]).toMatchObject({
      action: "changed",
      estimatedUsd: 0,
      reason: "prompt changed; in the local store: restored at no charge",
    });
    expect(p.estimatedUsd).toBe(0.09);
  });

  it("references compare by content, not by key order", () => {
    const withRef = asset("r", "photo", {
      references: [{ kind: "file", ref: "x.png", sha256: "ab", normalize: { maxSide: 64 } } as never],
    });
    const e = entry(withRef);
    (e.spec as unknown as Record<string, unknown>).references = [{ normalize: { maxSide: 64 }, ref: "x.png", kind: "file", sha256: "ab" }];
    const edited = asset("r", "photo, edited", { references: withRef.spec.references });
    expect(plan({ assets: [edited], simulate: false, provider: "apidot" }, lockOf(["r", e]), new Map()).items[0].changed).toEqual([
      "prompt",
    ]);
  });

  it("price overrides from the config feed the estimate", () => {
    const p = plan(
      { assets: [a], simulate: false, provider: "apidot", prices: { apidot: { "nano-banana-pro": { "2K": 0.5 } } } },
      lockOf(),
      new Map(),
    );
    expect(p.estimatedUsd).toBe(0.5);
  });

  it("applies --only itself: counts and estimate follow the selection; no match is a usage error", () => {
    const p = plan(
      { assets: [a, b, asset("c")], simulate: false, provider: "apidot", only: ["b", "c"] },
      lockOf(["a", entry(a)]),
      new Map(),
    );
    expect(p.items.map((i) => i.name)).toEqual(["b", "c"]);
    expect(p.counts).toEqual({ new: 2, changed: 0, "output-missing": 0, "up-to-date": 0, orphaned: 0, rejected: 0 });
    expect(p.estimatedUsd).toBe(0.18);
    expect(() => plan({ assets: [a], simulate: false, provider: "apidot", only: ["zz*"] }, lockOf(), new Map())).toThrowError(
      /no asset matches --only zz\* \(1 assets, e\.g\. a\)/,
    );
  });

  it("lists reference needs from the URL facts it is given, only for the work it plans", () => {
    const withFile = asset("w", "photo", { references: [{ kind: "file", ref: "ref.png", sha256: "aa" }] });
    const other = asset("o", "photo", { references: [{ kind: "file", ref: "other.png", sha256: "bb" }] });
    const input = { assets: [withFile, other], simulate: false, provider: "fal" };
    const lock = lockOf(["o", entry(other)]);
    const facts = new Map([[other.output, { bytes: 100 }]]);
    const p = plan({ ...input, urls: { provider: "fal", liveUrls: new Set<string>() } }, lock, facts);
    expect(p.needs).toEqual([
      { name: "w", message: expect.stringMatching(/^reference ref\.png is a local file and fal takes references only as URLs/) },
    ]);
    expect(plan({ ...input, urls: { provider: "fal", liveUrls: new Set(["aa"]) } }, lock, facts).needs).toBeUndefined();
    expect(plan({ ...input, only: ["o"], urls: { provider: "fal", liveUrls: new Set<string>() } }, lock, facts).needs).toBeUndefined();
  });
});
