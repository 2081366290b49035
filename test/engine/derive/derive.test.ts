import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import sharp from "sharp";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { build, loadProject, planProject, readLock } from "../../../src/all.js";
import { startSimulator, type Simulator } from "../../../src/simulator/index.js";
import { removeProject, simConfig, tempProject } from "../../helpers/project.js";

const MANIFEST = `defaults:
  resolution: 1K
  derive:
    - { width: 400, format: webp, quality: 70 }
    - { width: 800, format: avif }
assets:
  - name: hero
    prompt: "A studio photo of earbuds"
    aspectRatio: "16:9"
  - name: thumb
    prompt: "A square icon"
    derive:
      - { width: 128, height: 128, crop: "1:1", focus: attention, name: square, format: jpeg }
      - { width: 64, pad: 8, name: padded }
`;

let sim: Simulator;
let dir = "";
beforeAll(async () => {
  sim = await startSimulator({ latencyMs: 10 });
});
afterAll(() => sim.close());
afterEach(() => {
  removeProject(dir);
  sim.state.reset();
});

const load = () => loadProject({ cwd: dir });
const meta = (f: string) => sharp(path.join(dir, f)).metadata();

describe("derived files", () => {
  it("are made at the asked sizes and formats, recorded in the lock, and rebuilt at $0", async () => {
    dir = tempProject({ "nanobanana.config.yaml": simConfig(), "assets/a.yaml": MANIFEST });
    const p0 = await planProject(load());
    expect(p0.derivedCounts).toMatchObject({ "after-generation": 4, make: 0 });
    const r1 = await build(load(), { simulatorUrl: sim.url });
    expect(r1).toMatchObject({ generated: 2, derived: { made: 4, failed: 0 } });
    expect(sim.ledger()).toHaveLength(2);

    const hero400 = await meta("generated/hero-400w.webp");
    expect([hero400.format, hero400.width, hero400.height]).toEqual(["webp", 400, 223]);
    const hero800 = await meta("generated/hero-800w.avif");
    expect([hero800.format, hero800.width]).toEqual(["heif", 800]);
    const square = await meta("generated/thumb-square.jpg");
    expect([square.format, square.width, square.height]).toEqual(["jpeg", 128, 128]);
    const padded = await meta("generated/thumb-padded.png");
    expect([padded.format, padded.width, padded.height, padded.hasAlpha]).toEqual(["png", 80, 80, true]);

    const lock = readLock(path.join(dir, "nanobanana.lock"));
    expect(lock.assets.hero.derived?.map((d) => [d.output, d.width, d.format])).toEqual([
      ["generated/hero-400w.webp", 400, "webp"],
      ["generated/hero-800w.avif", 800, "avif"],
    ]);

    // Up to date: nothing to make, nothing to pay.
    const lockText = readFileSync(path.join(dir, "nanobanana.lock"), "utf8");
    const r2 = await build(load(), { simulatorUrl: sim.url });
    expect(r2).toMatchObject({ generated: 0, upToDate: 2, derived: { made: 0, upToDate: 4 } });
    expect(readFileSync(path.join(dir, "nanobanana.lock"), "utf8")).toBe(lockText);

    // A new size, a changed quality and a deleted file: remade locally, no charge.
    writeFileSync(path.join(dir, "assets/a.yaml"), MANIFEST.replace("quality: 70 }", "quality: 50 }\n    - { width: 1600, format: webp }"));
    rmSync(path.join(dir, "generated/thumb-padded.png"));
    const p3 = await planProject(load());
    expect(p3.estimatedUsd).toBe(0);
    expect(p3.derivedCounts).toMatchObject({ make: 3, "up-to-date": 2 });
    const r3 = await build(load(), { simulatorUrl: sim.url });
    expect(r3).toMatchObject({ generated: 0, costUsd: 0, derived: { made: 3, upToDate: 2 } });
    expect(sim.ledger()).toHaveLength(2);
    expect((await meta("generated/hero-1600w.webp")).width).toBe(1376); // inside: never enlarged
    expect(existsSync(path.join(dir, "generated/thumb-padded.png"))).toBe(true);

    // Dropping an entry removes its file and its record.
    writeFileSync(path.join(dir, "assets/a.yaml"), MANIFEST.replace("    - { width: 800, format: avif }\n", ""));
    const r4 = await build(load(), { simulatorUrl: sim.url });
    expect(r4.derived).toMatchObject({ removed: 2 }); // 800w avif and 1600w webp
    expect(existsSync(path.join(dir, "generated/hero-800w.avif"))).toBe(false);
    expect(sim.ledger()).toHaveLength(2);
  });

  it("names clashes and unnamed entries as manifest errors", async () => {
    dir = tempProject({
      "nanobanana.config.yaml": simConfig(),
      "assets/a.yaml": `assets:
  - name: x
    prompt: "p"
    derive:
      - { width: 100 }
      - { width: 100, quality: 50 }
      - { format: webp }
`,
    });
    expect(() => load()).toThrow(
      /derive\[1\]: writes generated\/x-100w.png, like derive\[0\]; give it a name[\s\S]*derive\[2\]: a derived file without width or height needs a name/,
    );
  });
});
