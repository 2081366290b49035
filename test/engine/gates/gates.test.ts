import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { build, loadProject, planProject, readLock } from "../../../src/all.js";
import { simConfig } from "../../helpers/project.js";
import { simSuite } from "../../helpers/sim-suite.js";

const manifest = (prompt: string, extra = "") => `assets:
  - name: hero
    prompt: "${prompt}"
    aspectRatio: "16:9"
${extra}`;

const suite = simSuite();

const load = () => loadProject({ cwd: suite.dir() });
const out = () => readFileSync(path.join(suite.dir(), "generated/hero.png"));

describe("quality gates", () => {
  it("reject a blank image: the output and the lock stay, the charge is recorded, and it is not paid again unasked", async () => {
    suite.project({ "nanobanana.config.yaml": simConfig(), "assets/a.yaml": manifest("A studio photo of earbuds") });
    expect(await build(load(), { simulatorUrl: suite.sim().url })).toMatchObject({ generated: 1, rejected: 0 });
    const good = out();
    const goodLock = readLock(path.join(suite.dir(), "nanobanana.lock")).assets.hero;

    writeFileSync(path.join(suite.dir(), "assets/a.yaml"), manifest("A studio photo of earbuds [[blank]]"));
    const r = await build(load(), { simulatorUrl: suite.sim().url });
    expect(r).toMatchObject({ generated: 0, rejected: 1, failed: 0 });
    expect(r.costUsd).toBeGreaterThan(0);
    const hero = r.assets.find((a) => a.name === "hero")!;
    expect(hero.status).toBe("rejected");
    expect(hero.error).toMatch(/blank or single-coloured/);
    expect(suite.sim().ledger()).toHaveLength(2);
    // The previous good output is byte for byte the same, and so is its lock entry.
    expect(out().equals(good)).toBe(true);
    expect(readLock(path.join(suite.dir(), "nanobanana.lock")).assets.hero).toEqual(goodLock);
    // The paid image is kept for inspection: the flat card.
    const kept = path.join(suite.dir(), hero.kept!);
    const stats = await sharp(kept).stats();
    expect(stats.channels.slice(0, 3).every((c) => c.stdev === 0)).toBe(true);
    expect((await sharp(kept).metadata()).width).toBe(1376);

    // Planned and built again: reported as rejected, nothing paid.
    const p = await planProject(load());
    expect(p.items[0]).toMatchObject({ action: "rejected", estimatedUsd: 0 });
    expect(p.items[0].reason).toMatch(/failed the quality gates.*--retry-rejected/);
    const again = await build(load(), { simulatorUrl: suite.sim().url });
    expect(again).toMatchObject({ rejected: 1, costUsd: 0 });
    expect(suite.sim().ledger()).toHaveLength(2);

    // Asked: paid once more (and rejected once more, the simulator draws the same blank card).
    const retried = await build(load(), { simulatorUrl: suite.sim().url, retryRejected: true });
    expect(retried).toMatchObject({ rejected: 1 });
    expect(suite.sim().ledger()).toHaveLength(3);
    expect(out().equals(good)).toBe(true);
  });

  it("check file size bounds from the config's defaults, merged field by field with the asset's", async () => {
    suite.project({
      "nanobanana.config.yaml": simConfig().replace(
        'defaults: { model: nano-banana-2, resolution: 1K, aspectRatio: "1:1", format: png }',
        'defaults: { model: nano-banana-2, resolution: 1K, aspectRatio: "1:1", format: png, gates: { maxBytes: 1000 } }',
      ),
      "assets/a.yaml": manifest(
        "A studio photo of earbuds",
        '    gates: { minStdev: 0 }\n  - name: small\n    prompt: "Icon"\n    gates: { maxBytes: 100000000 }\n',
      ),
    });
    const r = await build(load(), { simulatorUrl: suite.sim().url });
    expect(r.assets.map((a) => [a.name, a.status])).toEqual([
      ["hero", "rejected"],
      ["small", "generated"],
    ]);
    expect(r.assets[0].error).toMatch(/bytes, more than maxBytes 1000/);
    expect(existsSync(path.join(suite.dir(), "generated/hero.png"))).toBe(false);
    expect(readLock(path.join(suite.dir(), "nanobanana.lock")).assets.hero).toBeUndefined();
  });

  it("reject an unknown gate field with the file and the field", async () => {
    suite.project({ "nanobanana.config.yaml": simConfig(), "assets/a.yaml": manifest("x", "    gates: { minStdv: 3 }\n") });
    expect(() => load()).toThrow(/assets\/a\.yaml:\d+:\d+.*gates.*minStdv/s);
  });
});
