import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { build, loadProject, planProject, readLock } from "../../../src/all.js";
import { simSuite } from "../../helpers/sim-suite.js";

const CONFIG = `provider: gemini
simulate: true
manifests: ["assets/**/*.yaml"]
simulator: { latencyMs: 5 }
defaults: { model: nano-banana-2, resolution: 0.5K }
codegen: { out: src/assets.json }
`;
const MANIFEST = `defaults:
  alt: auto
assets:
  - name: hero
    prompt: "A studio photo of earbuds"
  - name: icon
    prompt: "A flat shop icon"
`;

const suite = simSuite();

const load = () => loadProject({ cwd: suite.dir() });
const described = () =>
  suite
    .sim()
    .ledger()
    .filter((c) => c.model === "gemini-2.5-flash");
const moduleAlt = () =>
  Object.fromEntries(
    Object.entries(JSON.parse(readFileSync(path.join(suite.dir(), "src/assets.json"), "utf8")) as Record<string, { alt: string }>).map(
      ([k, v]) => [k, v.alt],
    ),
  );

describe("alt: auto", () => {
  it("is planned, paid once per image to the text model, recorded in the lock, cached by sha256, and a literal alt overrides it", async () => {
    suite.project({ "nanobanana.config.yaml": CONFIG, "assets/a.yaml": MANIFEST });
    const p = await planProject(load());
    expect(p.alt?.map((a) => [a.name, a.action, a.estimatedUsd])).toEqual([
      ["hero", "after-generation", 0.0004],
      ["icon", "after-generation", 0.0004],
    ]);
    expect(p.altUsd).toBe(0.0008);

    const r = await build(load(), { simulatorUrl: suite.sim().url });
    expect(r).toMatchObject({ generated: 2, alt: { described: 2, cached: 0, failed: 0, costUsd: 0.0008 } });
    expect(described()).toHaveLength(2);
    expect(described().every((c) => c.costUsd === 0.0004)).toBe(true);
    const lock = readLock(path.join(suite.dir(), "nanobanana.lock"));
    expect(lock.assets.hero.alt).toMatchObject({ source: "auto", imageSha256: lock.assets.hero.sha256, costUsd: 0.0004 });
    expect(lock.assets.hero.alt?.text).toMatch(/^A 512×512 card/);
    expect(moduleAlt().hero).toBe(lock.assets.hero.alt?.text);

    // Up to date: nothing described, nothing paid.
    expect((await planProject(load())).alt?.every((a) => a.action === "up-to-date")).toBe(true);
    expect(await build(load(), { simulatorUrl: suite.sim().url })).toMatchObject({ generated: 0, alt: { described: 0, upToDate: 2 } });
    expect(described()).toHaveLength(2);

    // A literal alt on the asset wins, at no charge.
    writeFileSync(
      path.join(suite.dir(), "assets/a.yaml"),
      MANIFEST.replace('prompt: "A flat shop icon"', 'prompt: "A flat shop icon"\n    alt: "Shop icon"'),
    );
    await build(load(), { simulatorUrl: suite.sim().url });
    expect(moduleAlt()).toMatchObject({ icon: "Shop icon", hero: lock.assets.hero.alt?.text });
    expect(described()).toHaveLength(2);

    // A lost description comes back from the cache by the image's sha256, free.
    const l = JSON.parse(readFileSync(path.join(suite.dir(), "nanobanana.lock"), "utf8"));
    delete l.assets.hero.alt;
    writeFileSync(path.join(suite.dir(), "nanobanana.lock"), JSON.stringify(l));
    expect((await planProject(load())).alt?.find((a) => a.name === "hero")).toMatchObject({ action: "cached", estimatedUsd: 0 });
    expect(await build(load(), { simulatorUrl: suite.sim().url })).toMatchObject({ alt: { described: 0, cached: 1 } });
    expect(described()).toHaveLength(2);
  });

  it("counts descriptions in the plan's total and against budget.maxUsd: a budget that cannot cover them stops before paying", async () => {
    suite.project({ "nanobanana.config.yaml": CONFIG, "assets/a.yaml": MANIFEST });
    const p = await planProject(load());
    const images = p.items.reduce((s, i) => s + i.estimatedUsd, 0);
    expect(p.altUsd).toBe(0.0008);
    expect(p.estimatedUsd).toBeCloseTo(images + 0.0008, 6);

    // Enough for the two images and one description, not two: refused before anything is submitted.
    const cap = Math.round((images + 0.0006) * 1e6) / 1e6;
    writeFileSync(path.join(suite.dir(), "nanobanana.config.yaml"), `${CONFIG}budget: { maxUsd: ${cap} }\n`);
    await expect(build(load(), { simulatorUrl: suite.sim().url })).rejects.toThrow(/over the budget of/);
    expect(suite.sim().ledger()).toHaveLength(0);

    // The images built first (no alt); then a cap of $0.0006 covers one description, not two.
    writeFileSync(path.join(suite.dir(), "nanobanana.config.yaml"), CONFIG);
    writeFileSync(path.join(suite.dir(), "assets/a.yaml"), MANIFEST.replace("defaults:\n  alt: auto\n", ""));
    expect(await build(load(), { simulatorUrl: suite.sim().url })).toMatchObject({ generated: 2 });
    writeFileSync(path.join(suite.dir(), "assets/a.yaml"), MANIFEST);
    writeFileSync(path.join(suite.dir(), "nanobanana.config.yaml"), `${CONFIG}budget: { maxUsd: 0.0006 }\n`);
    expect((await planProject(load())).estimatedUsd).toBe(0.0008);
    await expect(build(load(), { simulatorUrl: suite.sim().url })).rejects.toThrow(/estimated \$0\.0008, over the budget of \$0\.0006/);
    expect(described()).toHaveLength(0);

    // Fitted to the budget: one description is paid, the other is not (warned), and the cap holds.
    const r = await build(load(), { simulatorUrl: suite.sim().url, fitBudget: true });
    expect(r).toMatchObject({ generated: 0, alt: { described: 1, skipped: 1, costUsd: 0.0004 }, costUsd: 0.0004 });
    expect(
      r.warnings.some((w) => /not described for alt: auto: budget: .* this description \(\$0\.0004\) would pass the cap/.test(w)),
    ).toBe(true);
    expect(described()).toHaveLength(1);
    expect(suite.sim().ledger()).toHaveLength(3);
  });

  it("is a manifest error on a provider without a text model", () => {
    suite.project({ "nanobanana.config.yaml": CONFIG.replace("provider: gemini", "provider: apidot"), "assets/a.yaml": MANIFEST });
    expect(() => load()).toThrow(/alt: auto needs a text model.*apidot has none \(gemini has\)/);
  });
});
