import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { build, loadProject, readLock, writePlaceholders } from "../../../src/all.js";
import { simConfig } from "../../helpers/project.js";
import { simSuite } from "../../helpers/sim-suite.js";
import { runCli } from "../../helpers/cli.js";

const MANIFEST = `assets:
  - name: hero
    prompt: "A studio photo of earbuds"
    aspectRatio: "16:9"
    derive:
      - { width: 400, format: webp }
  - name: icon
    prompt: "A flat shop icon"
    model: nano-banana-pro
    resolution: 2K
    aspectRatio: "3:4"
    format: jpeg
`;

const suite = simSuite();

const load = () => loadProject({ cwd: suite.dir() });
const file = (f: string) => path.join(suite.dir(), f);

describe("build --placeholders", () => {
  it("writes stand-ins at the model's pixel size, records nothing, and the first real build replaces them, one charge each", async () => {
    suite.project({ "nanobanana.config.yaml": simConfig(), "assets/a.yaml": MANIFEST });
    const r = await writePlaceholders(load());
    expect(r.written.map((w) => [w.name, w.width, w.height])).toEqual([
      ["hero", 1376, 768],
      ["icon", 1792, 2400],
    ]);
    const hero = await sharp(file("generated/hero.png")).metadata();
    expect([hero.format, hero.width, hero.height]).toEqual(["png", 1376, 768]);
    const icon = await sharp(file("generated/icon.jpg")).metadata();
    expect([icon.format, icon.width, icon.height]).toEqual(["jpeg", 1792, 2400]);
    expect((await sharp(file("generated/hero-400w.webp")).metadata()).width).toBe(400);
    // $0 and nothing recorded: no lockfile, no charge.
    expect(existsSync(file("nanobanana.lock"))).toBe(false);
    expect(suite.sim().ledger()).toHaveLength(0);
    const stand = readFileSync(file("generated/hero.png"));

    // A second run leaves the stand-ins alone (they are outputs now).
    expect(await writePlaceholders(load())).toMatchObject({ written: [], present: 2 });

    const built = await build(load(), { simulatorUrl: suite.sim().url });
    expect(built).toMatchObject({ generated: 2, costUsd: expect.any(Number) });
    expect(suite.sim().ledger()).toHaveLength(2);
    const real = readFileSync(file("generated/hero.png"));
    expect(real.equals(stand)).toBe(false);
    const lock = readLock(file("nanobanana.lock"));
    expect(lock.assets.hero.sha256).toBe((await import("node:crypto")).createHash("sha256").update(real).digest("hex"));
    expect(lock.assets.hero.derived?.[0]).toMatchObject({ output: "generated/hero-400w.webp", width: 400 });

    // Outputs exist now: placeholders write nothing, and a rebuild pays nothing.
    expect(await writePlaceholders(load())).toMatchObject({ written: [], present: 2 });
    expect(await build(load(), { simulatorUrl: suite.sim().url })).toMatchObject({ generated: 0, upToDate: 2 });
    expect(suite.sim().ledger()).toHaveLength(2);
  });

  it("nanobanana build --placeholders writes every missing one (and --only narrows it); --json lists them", async () => {
    suite.project({ "nanobanana.config.yaml": simConfig(), "assets/a.yaml": MANIFEST });
    const only = await runCli(["build", "--placeholders", "--only", "icon", "--json", "-C", suite.dir()]);
    expect(only.code).toBe(0);
    expect(JSON.parse(only.stdout).written.map((w: { name: string }) => w.name)).toEqual(["icon"]);
    const all = await runCli(["build", "--placeholders", "-C", suite.dir()]);
    expect(all.stderr).toMatch(/hero → generated\/hero\.png 1376×768 placeholder/);
    expect(all.stderr).toMatch(/1 placeholder written, 1 asset already with an output; \$0/);
    expect(existsSync(file("nanobanana.lock"))).toBe(false);
  });
});
