import { readFileSync } from "node:fs";
import path from "node:path";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { build, loadProject, planProject, readLock } from "../../../src/all.js";
import { simConfig } from "../../helpers/project.js";
import { simSuite } from "../../helpers/sim-suite.js";

const MANIFEST = `assets:
  - name: sticker
    prompt: "A red apple sticker"
    background: transparent
    derive:
      - { width: 200, format: webp }
`;

const GEMINI = `provider: gemini
simulate: true
manifests: ["assets/**/*.yaml"]
simulator: { latencyMs: 5 }
defaults: { model: nano-banana-2, resolution: 0.5K }
`;

const suite = simSuite();
const load = () => loadProject({ cwd: suite.dir() });

/** Alpha at the corners and in the middle of an image with an alpha channel. */
async function alphaAt(file: string): Promise<{ corners: number[]; middle: number; channels: number }> {
  const { data, info } = await sharp(file).raw().toBuffer({ resolveWithObject: true });
  const a = (x: number, y: number) => data[(y * info.width + x) * info.channels + info.channels - 1];
  const w = info.width - 1;
  const h = info.height - 1;
  return { corners: [a(0, 0), a(w, 0), a(0, h), a(w, h)], middle: a(info.width >> 1, info.height >> 1), channels: info.channels };
}

describe("background: transparent (difference matting)", () => {
  const configs = {
    apidot: simConfig(),
    gemini: GEMINI,
    fal: simConfig().replace("provider: apidot", "provider: fal").replace("apidot: {", "fal: {"),
    revid: simConfig()
      .replace("provider: apidot", "provider: revid")
      .replace("apidot: {", "revid: {")
      .replace("model: nano-banana-2", "model: nano-banana"),
  };
  const editIds = { apidot: "nano-banana-2-edit", fal: "fal-ai/nano-banana-2/edit", revid: "google/nano-banana-edit" } as Record<
    string,
    string
  >;
  for (const provider of ["apidot", "gemini", "fal", "revid"] as const) {
    it(`${provider}: plans two paid calls, pays two, writes real alpha, and a rebuild pays nothing`, async () => {
      suite.project({ "nanobanana.config.yaml": configs[provider], "assets/a.yaml": MANIFEST });
      const p = await planProject(load());
      const price = (n: string) => p.items.find((i) => i.name === n)!.estimatedUsd;
      expect(p.items.map((i) => i.name).sort()).toEqual(["sticker", "sticker.black", "sticker.white"]);
      expect(price("sticker.white")).toBeGreaterThan(0);
      expect(price("sticker.black")).toBeGreaterThan(0);
      expect(price("sticker")).toBe(0);
      expect(p.items.find((i) => i.name === "sticker")!.reason).toMatch(/matted locally from sticker\.white and sticker\.black, no charge/);
      expect(p.estimatedUsd).toBeCloseTo(price("sticker.white") + price("sticker.black"), 6);

      const r = await build(load(), { simulatorUrl: suite.sim().url });
      expect(r).toMatchObject({ generated: 3, failed: 0, rejected: 0 });
      const ledger = suite.sim().ledger();
      expect(ledger).toHaveLength(2);
      expect(ledger[0].prompt).toMatch(/A red apple sticker.*pure white background \(#FFFFFF\)/s);
      expect(ledger[1].prompt).toMatch(/pure black background \(#000000\)/);
      if (editIds[provider]) expect(ledger[1].model).toBe(editIds[provider]);
      expect(r.costUsd).toBeCloseTo(ledger[0].costUsd + ledger[1].costUsd, 6);

      const out = path.join(suite.dir(), "generated/sticker.png");
      expect((await sharp(out).metadata()).hasAlpha).toBe(true);
      const alpha = await alphaAt(out);
      expect(alpha.channels).toBe(4);
      for (const c of alpha.corners) expect(c).toBeLessThanOrEqual(3);
      expect(alpha.middle).toBeGreaterThanOrEqual(250);
      // The derived webp keeps the alpha.
      const small = await alphaAt(path.join(suite.dir(), "generated/sticker-200w.webp"));
      expect(small.corners[0]).toBeLessThanOrEqual(3);
      expect(small.middle).toBeGreaterThanOrEqual(250);

      const lock = readLock(path.join(suite.dir(), "nanobanana.lock"));
      expect(lock.assets.sticker).toMatchObject({ cost: { usd: 0 }, taskId: "local:difference-matte" });
      expect(lock.assets.sticker.spec.references.map((x) => x.sha256)).toEqual([
        lock.assets["sticker.white"].sha256,
        lock.assets["sticker.black"].sha256,
      ]);

      const again = await build(load(), { simulatorUrl: suite.sim().url });
      expect(again).toMatchObject({ generated: 0, upToDate: 3, costUsd: 0 });
      expect(suite.sim().ledger()).toHaveLength(2);
    });
  }

  it("remakes a deleted cut-out from its sources at no charge", async () => {
    suite.project({ "nanobanana.config.yaml": simConfig(), "assets/a.yaml": MANIFEST });
    await build(load(), { simulatorUrl: suite.sim().url });
    const out = path.join(suite.dir(), "generated/sticker.png");
    const before = readFileSync(out);
    const { rmSync } = await import("node:fs");
    rmSync(out);
    const p = await planProject(load());
    expect(p.items.find((i) => i.name === "sticker")).toMatchObject({ action: "output-missing", estimatedUsd: 0 });
    expect(p.estimatedUsd).toBe(0);
    const r = await build(load(), { simulatorUrl: suite.sim().url });
    expect(r).toMatchObject({ generated: 1, costUsd: 0 });
    expect(suite.sim().ledger()).toHaveLength(2);
    expect(readFileSync(out).equals(before)).toBe(true);
  });

  it("--only NAME takes the cut-out's two sources along", async () => {
    suite.project({ "nanobanana.config.yaml": simConfig(), "assets/a.yaml": `${MANIFEST}  - name: other\n    prompt: "A pear"\n` });
    const p = await planProject(load(), { only: ["sticker"] });
    expect(p.items.map((i) => i.name).sort()).toEqual(["sticker", "sticker.black", "sticker.white"]);
    expect(await build(load(), { simulatorUrl: suite.sim().url, only: ["sticker"] })).toMatchObject({ generated: 3, failed: 0 });
    expect(suite.sim().ledger()).toHaveLength(2);
  });

  it("refuses a format without alpha at the background field", () => {
    suite.project({ "nanobanana.config.yaml": simConfig(), "assets/a.yaml": `${MANIFEST}    format: jpeg\n` });
    expect(() => load()).toThrow(
      /assets\/a\.yaml:4:\d+ {2}assets\[0\]\.background: transparent writes an image with alpha: format jpeg has none; use png or webp/,
    );
  });
});
