import path from "node:path";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { build, loadProject, planProject, readLock } from "../../../src/all.js";
import { simConfig } from "../../helpers/project.js";
import { simSuite } from "../../helpers/sim-suite.js";

const MANIFEST = `assets:
  - name: icons
    prompt: "Flat shop icons, two-tone"
    resolution: 1K
    aspectRatio: "3:2"
    grid: [2, 3]
    cells: [cart, heart, star, user, search, bag]
`;

const suite = simSuite();
const load = () => loadProject({ cwd: suite.dir() });

describe("grid: one generation cut into named cells", () => {
  it("pays once, prompts a sheet, and writes one file per cell at the cell's size, recorded under the asset", async () => {
    suite.project({ "nanobanana.config.yaml": simConfig(), "assets/a.yaml": MANIFEST });
    const p = await planProject(load());
    expect(p.items).toHaveLength(1);
    expect(p.derived?.map((d) => d.output)).toEqual(
      ["cart", "heart", "star", "user", "search", "bag"].map((c) => `generated/icons-${c}.png`),
    );
    const r = await build(load(), { simulatorUrl: suite.sim().url });
    expect(r).toMatchObject({ generated: 1, derived: { made: 6, failed: 0 } });
    expect(suite.sim().ledger()).toHaveLength(1);
    expect(suite.sim().ledger()[0].prompt).toMatch(/sheet of 2 rows by 3 columns.*1\. cart; 2\. heart; .*6\. bag/);
    // nano-banana-2 1K 3:2 is 1264×848: cells of 421×424 (the last column takes the remainder).
    for (const [cell, w] of [
      ["cart", 421],
      ["star", 422],
      ["bag", 422],
    ] as const) {
      const m = await sharp(path.join(suite.dir(), `generated/icons-${cell}.png`)).metadata();
      expect([cell, m.width, m.height]).toEqual([cell, w, 424]);
    }
    const lock = readLock(path.join(suite.dir(), "nanobanana.lock"));
    expect(lock.assets.icons.derived?.map((d) => d.output)).toHaveLength(6);
    // A rebuild cuts nothing and pays nothing.
    expect(await build(load(), { simulatorUrl: suite.sim().url })).toMatchObject({ generated: 0, derived: { made: 0, upToDate: 6 } });
    expect(suite.sim().ledger()).toHaveLength(1);
  });

  it("needs one cell name per cell", () => {
    suite.project({ "nanobanana.config.yaml": simConfig(), "assets/a.yaml": MANIFEST.replace(", bag]", "]") });
    expect(() => load()).toThrow(/assets\/a\.yaml:\d+:\d+.*cells: grid 2×3 has 6 cells, and cells names 5/s);
  });
});
