import { describe, expect, it } from "vitest";
import { plan, specHash, type LockEntry, type Lockfile, type ResolvedAsset } from "../../../src/index.js";
import { renderReport, reportRows, thumbSize, totalsByModel, type ReportImage, type ReportPage } from "../../../src/core/report/index.js";

function asset(name: string, prompt: string, matrix?: Record<string, string>): ResolvedAsset {
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
  };
  const a: ResolvedAsset = {
    name,
    output: `generated/${name}.png`,
    spec,
    hash: specHash(spec),
    source: { file: "assets/a.yaml", line: 3, col: 5, path: "assets[0]" },
  };
  if (matrix) a.matrix = matrix;
  return a;
}

function entry(a: ResolvedAsset, sha: string, usd = 0.09): LockEntry {
  const { provider, model, modelId, ...spec } = a.spec;
  return {
    hash: a.hash,
    provider,
    model,
    modelId,
    taskId: `t-${a.name}`,
    output: a.output,
    sha256: sha,
    bytes: 100,
    width: 2048,
    height: 1024,
    format: "png",
    cost: { usd, source: "provider" },
    generatedAt: "2026-01-01T00:00:00Z",
    spec,
  };
}

const img = (sha: string): ReportImage => ({ thumb: `thumbs/${sha}.webp`, href: `../${sha}.png`, ...thumbSize(2048, 1024) });

describe("report page model", () => {
  const earbuds = asset("hero/earbuds", "earbuds <on> marble", { product: "earbuds" });
  const phones = asset("hero/phones", "phones on marble", { product: "phones" });
  const banner = asset("banner", "a banner");
  const lock: Lockfile = {
    version: 1,
    assets: { "hero/earbuds": entry(earbuds, "a".repeat(64)), gone: entry(asset("gone", "old"), "c".repeat(64)) },
  };
  const facts = new Map([["generated/hero/earbuds.png", { bytes: 100 }]]);
  const p = plan({ assets: [earbuds, phones, banner], simulate: true, provider: "apidot" }, lock, facts);
  const images = new Map([["a".repeat(64), img("a".repeat(64))]]);

  it("gives each asset its status, reason, cost and image; failures come from the last build of the same spec", () => {
    const rows = reportRows({
      assets: [earbuds, phones, banner],
      lock,
      plan: p,
      images,
      lastBuild: {
        "hero/phones": { status: "blocked", hash: phones.hash, error: "IMAGE_SAFETY" },
        banner: { status: "failed", hash: "old", error: "x" },
      },
    });
    const by = Object.fromEntries(rows.map((r) => [r.name, r]));
    expect(by["hero/earbuds"]).toMatchObject({
      status: "up-to-date",
      costUsd: 0.09,
      taskId: "t-hero/earbuds",
      matrix: { product: "earbuds" },
    });
    expect(by["hero/earbuds"]!.image?.thumb).toBe(`thumbs/${"a".repeat(64)}.webp`);
    expect(by["hero/phones"]).toMatchObject({ status: "blocked", reason: "IMAGE_SAFETY" });
    // A failure of an older spec does not stick to the new one: it is pending, at its estimate.
    expect(by.banner).toMatchObject({ status: "pending", reason: "not in the lockfile", costUsd: 0.09 });
    expect(by.gone).toMatchObject({ status: "orphaned", manifest: "(lockfile)" });
    expect(totalsByModel(rows)).toEqual([{ model: "nano-banana-pro", assets: 4, usd: 0.18, pendingUsd: 0.09 }]);
  });

  it("shows before and after, the changed fields and the cost of the change, for entries that changed since the ref", () => {
    const was = asset("hero/earbuds", "earbuds on wood");
    const old: Lockfile = {
      version: 1,
      assets: { "hero/earbuds": entry(was, "b".repeat(64), 0.05), removed: entry(asset("removed", "r"), "d".repeat(64)) },
    };
    const rows = reportRows({
      assets: [earbuds, phones],
      lock,
      plan: p,
      images,
      since: { ref: "main", lock: old, images: new Map([["b".repeat(64), img("b".repeat(64))]]) },
    });
    const by = Object.fromEntries(rows.map((r) => [r.name, r]));
    expect(by["hero/earbuds"]!.before).toEqual({
      kind: "changed",
      image: img("b".repeat(64)),
      changed: [{ field: "prompt", before: "earbuds on wood", after: "earbuds <on> marble" }],
      costUsd: 0.09,
    });
    expect(by["hero/phones"]!.before).toBeUndefined(); // no lock entry on either side
    expect(by.removed).toMatchObject({ status: "orphaned", reason: "removed since main", before: { kind: "removed" } });

    const page: ReportPage = {
      title: "t",
      generatedAt: "2026-01-01T00:00:00Z",
      provider: "apidot",
      simulate: true,
      since: "main",
      rows,
      totals: totalsByModel(rows),
    };
    const html = renderReport(page);
    expect(html).toContain("earbuds &lt;on&gt; marble");
    expect(html).not.toContain("earbuds <on> marble");
    expect(html).toContain('loading="lazy"');
    expect(html).toContain(`src="thumbs/${"b".repeat(64)}.webp"`);
    expect(html).not.toMatch(/https?:\/\//); // offline: no CDN, no network
  });

  it("sizes thumbnails to fit 320 px without enlarging", () => {
    expect(thumbSize(2048, 1024)).toEqual({ width: 320, height: 160 });
    expect(thumbSize(100, 50)).toEqual({ width: 100, height: 50 });
  });
});
