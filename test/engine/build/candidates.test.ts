import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { build, planProject } from "../../../src/engine/build/build.js";
import { loadProject } from "../../../src/engine/load/load.js";
import { pick } from "../../../src/engine/pick/pick.js";
import { startSimulator, type Simulator } from "../../../src/simulator/server.js";
import { runCli } from "../../helpers/cli.js";
import { tempProject } from "../../helpers/sim-project.js";

let sim: Simulator;
let cleanup: (() => void) | undefined;
beforeAll(async () => {
  sim = await startSimulator({ latencyMs: 5 });
});
afterAll(() => sim.close());
afterEach(() => cleanup?.());

const MANIFEST = `assets:\n  - name: hero\n    prompt: "A hero banner"\n    seed: 7\n    candidates: 3\n  - name: plain\n    prompt: "Plain"\n`;

function setup() {
  const p = tempProject({ "assets/x.yaml": MANIFEST }, { outDir: "out" });
  cleanup = p.cleanup;
  const read = (f: string) => readFileSync(path.join(p.root, f));
  const lock = () => JSON.parse(read("nanobanana.lock").toString("utf8"));
  return { ...p, read, lock, load: () => loadProject({ cwd: p.root }) };
}

describe("candidates and pick", () => {
  it("bills N takes once, copies take 1 to the output, and a pick then rebuild costs nothing", async () => {
    const p = setup();
    const plan = await planProject(p.load());
    const items = Object.fromEntries(plan.items.map((i) => [i.name, i]));
    for (const k of [1, 2, 3]) expect(items[`hero.take-${k}`]).toMatchObject({ action: "new", output: `out/hero.take-${k}.png` });
    expect(items["hero.take-2"].estimatedUsd).toBeGreaterThan(0);
    expect(items.hero).toMatchObject({ action: "new", estimatedUsd: 0 });
    expect(items.hero.reason).toContain("a copy of take 1 (hero.take-1)");
    expect(plan.estimatedUsd).toBeCloseTo(4 * items.plain.estimatedUsd, 6);

    const charges = sim.ledger().length;
    const first = await build(p.load(), { simulatorUrl: sim.url });
    expect(first.failed).toBe(0);
    expect(sim.ledger().length - charges).toBe(4); // three takes and plain; the output is a copy
    const lock = p.lock();
    expect([1, 2, 3].map((k) => lock.assets[`hero.take-${k}`].spec.seed)).toEqual([7, 8, 9]);
    const takes = [1, 2, 3].map((k) => p.read(`out/hero.take-${k}.png`));
    expect(new Set(takes.map((b) => b.toString("base64"))).size).toBe(3);
    expect(p.read("out/hero.png").equals(takes[0])).toBe(true);
    expect(lock.assets.hero.hash).toBe(lock.assets["hero.take-1"].hash);
    expect(lock.picks).toBeUndefined();

    const r = await pick(p.load(), "hero", 2);
    expect(r).toMatchObject({ picked: 2, take: "hero.take-2", output: "out/hero.png", cleared: false });
    expect(p.read("out/hero.png").equals(takes[1])).toBe(true);
    const picked = p.lock();
    expect(picked.picks).toEqual({ hero: 2 });
    expect(picked.assets.hero.hash).toBe(picked.assets["hero.take-2"].hash);
    expect(p.read("nanobanana.lock").toString("utf8")).toContain(`"picks": {\n    "hero": 2\n  }`);

    const lockBytes = p.read("nanobanana.lock");
    const again = await build(p.load(), { simulatorUrl: sim.url });
    expect(again).toMatchObject({ generated: 0, failed: 0 });
    expect(sim.ledger().length - charges).toBe(4);
    expect(p.read("out/hero.png").equals(takes[1])).toBe(true);
    expect(p.read("nanobanana.lock").equals(lockBytes)).toBe(true);
    const check = await runCli(["build", "--check", "-C", p.root]);
    expect(check.code).toBe(0);

    // The output lost: the build copies the picked take back, still at no charge.
    const { rmSync } = await import("node:fs");
    rmSync(path.join(p.root, "out/hero.png"));
    const restored = await build(p.load(), { simulatorUrl: sim.url });
    expect(restored.failed).toBe(0);
    expect(sim.ledger().length - charges).toBe(4);
    expect(p.read("out/hero.png").equals(takes[1])).toBe(true);

    const cleared = await runCli(["pick", "hero", "--clear", "-C", p.root]);
    expect(cleared).toMatchObject({ code: 0 });
    expect(p.read("out/hero.png").equals(takes[0])).toBe(true);
    expect(p.lock().picks).toBeUndefined();
    expect(p.lock().assets.hero.hash).toBe(p.lock().assets["hero.take-1"].hash);
    expect(sim.ledger().length - charges).toBe(4);
  });

  it("refuses bad picks with exit 2 and a clear message", async () => {
    const p = setup();
    await build(p.load(), { simulatorUrl: sim.url });
    const lockBytes = p.read("nanobanana.lock");
    const cases: [string[], string][] = [
      [["pick", "hera", "2"], 'no asset is named "hera" (did you mean "hero"?)'],
      [["pick", "hero", "4"], '"hero" has 3 takes: pick one from 1 to 3, not 4'],
      [["pick", "hero", "0"], "not 0"],
      [["pick", "plain", "1"], '"plain" has no candidates to pick from'],
      [["pick", "hero.take-2", "1"], "pick it with `nanobanana pick hero 2`"],
      [["pick", "hero"], "needs the number of a take (K), or --clear"],
      [["pick", "hero", "x"], "K is the number of a take"],
    ];
    for (const [argv, message] of cases) {
      const r = await runCli([...argv, "-C", p.root]);
      expect(r.code, argv.join(" ")).toBe(2);
      expect(r.stderr).toContain(message);
    }
    expect(p.read("nanobanana.lock").equals(lockBytes)).toBe(true);
  });

  it("says which take has no image yet instead of paying for it", async () => {
    const p = setup();
    const r = await runCli(["pick", "hero", "3", "-C", p.root]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('take 3 of "hero" (hero.take-3) has no image yet');
  });

  it("adding candidates to a built asset keeps its image as take 1 and pays only for the new takes", async () => {
    const p = tempProject({ "assets/x.yaml": `assets:\n  - name: hero\n    prompt: "A hero"\n` }, { outDir: "out" });
    cleanup = p.cleanup;
    const read = (f: string) => readFileSync(path.join(p.root, f));
    const charges = sim.ledger().length;
    await build(loadProject({ cwd: p.root }), { simulatorUrl: sim.url });
    const original = read("out/hero.png");
    p.write("assets/x.yaml", `assets:\n  - name: hero\n    prompt: "A hero"\n    candidates: 2\n`);
    const r = await build(loadProject({ cwd: p.root }), { simulatorUrl: sim.url });
    expect(r.failed).toBe(0);
    expect(sim.ledger().length - charges).toBe(2); // the original, then take 2 only
    expect(read("out/hero.take-1.png").equals(original)).toBe(true);
    expect(read("out/hero.png").equals(original)).toBe(true);
  });

  it("after a pick, the next build derives the asset's files from the picked image, at no charge", async () => {
    const p = tempProject(
      { "assets/x.yaml": `assets:\n  - name: hero\n    prompt: "A hero"\n    candidates: 2\n    derive: [{ width: 16, format: webp }]\n` },
      { outDir: "out" },
    );
    cleanup = p.cleanup;
    const lock = () => JSON.parse(readFileSync(path.join(p.root, "nanobanana.lock"), "utf8"));
    await build(loadProject({ cwd: p.root }), { simulatorUrl: sim.url });
    const derivedBefore = lock().assets.hero.derived[0];
    expect(lock().assets["hero.take-1"].derived).toBeUndefined();
    await pick(loadProject({ cwd: p.root }), "hero", 2);
    const charges = sim.ledger().length;
    await build(loadProject({ cwd: p.root }), { simulatorUrl: sim.url });
    expect(sim.ledger().length).toBe(charges);
    const derived = lock().assets.hero.derived[0];
    expect(derived.output).toBe(derivedBefore.output);
    expect(derived.sha256).not.toBe(derivedBefore.sha256);
    expect((await runCli(["build", "--check", "-C", p.root])).code).toBe(0);
  });

  it("refuses candidates on a model that takes no seed, at the field", () => {
    const p = tempProject(
      {
        "assets/x.yaml": `assets:\n  - name: hero\n    prompt: "A hero"\n    model: nano-banana-pro\n    resolution: 1K\n    candidates: 3\n`,
      },
      { outDir: "out" },
    );
    cleanup = p.cleanup;
    expect(() => loadProject({ cwd: p.root })).toThrow(
      /assets\/x\.yaml:6:\d+ +assets\[0\]\.candidates.*candidates: 3 needs a seed, and nano-banana-pro on apidot does not take one/,
    );
  });
});
