import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type Simulator } from "../../../src/simulator/server.js";
import { watch } from "../../../src/engine/watch/session.js";
import type { Watcher } from "../../../src/engine/watch/types.js";
import { solidImage, tempProject } from "../../helpers/sim-project.js";
import { next, nextBuild, record } from "../../helpers/watch-events.js";

let sim: Simulator;
let w: Watcher | undefined;
let cleanup: (() => void) | undefined;

beforeAll(async () => {
  sim = await startSimulator({ latencyMs: 5 });
});
afterAll(() => sim.close());
afterEach(async () => {
  await w?.close();
  w = undefined;
  cleanup?.();
});

const MANIFEST = (template: string, banner = "A plain banner") => `
templates:
  tile: "${template} in {{color}}"
assets:
  - name: "tile/{{color}}"
    template: tile
    matrix: { color: [red, green, blue] }
  - name: banner
    prompt: "${banner}"
`;

async function start(files: Record<string, string | Buffer>) {
  const p = tempProject(files);
  cleanup = p.cleanup;
  w = watch({ cwd: p.root, simulatorUrl: sim.url, debounceMs: 50 });
  const first = next(w, "build-end");
  await w.ready;
  await first;
  return p;
}

const generated = (r: { assets: { name: string; status: string }[] }) =>
  r.assets
    .filter((a) => a.status === "generated")
    .map((a) => a.name)
    .sort();
const lock = (root: string) =>
  JSON.parse(readFileSync(path.join(root, "nanobanana.lock"), "utf8")) as { assets: Record<string, { generatedAt: string; hash: string }> };

describe("watch", () => {
  it("rebuilds only the variants of an edited template", async () => {
    const p = await start({ "assets/a.yaml": MANIFEST("A tile") });
    const charges = sim.ledger().length;
    const done = nextBuild(w!);
    p.write("assets/a.yaml", MANIFEST("A glossy tile"));
    const { result } = await done;
    expect(generated(result)).toEqual(["tile/blue", "tile/green", "tile/red"]);
    expect(result.upToDate).toBe(1);
    expect(sim.ledger().length - charges).toBe(3);
  });

  it("survives a broken manifest and resumes when it is fixed", async () => {
    const p = await start({ "assets/a.yaml": MANIFEST("A tile") });
    const error = next(w!, "error");
    p.write("assets/a.yaml", MANIFEST("A tile").replace("assets:", "assets: [oops"));
    const e = await error;
    expect(e.issues?.[0]?.file).toBe("assets/a.yaml");
    expect(e.issues?.[0]?.line).toBeGreaterThan(0);
    const done = nextBuild(w!);
    p.write("assets/a.yaml", MANIFEST("A tile", "A fixed banner"));
    const { result } = await done;
    expect(generated(result)).toEqual(["banner"]);
  });

  it("brings an undone edit back from the store at no cost", async () => {
    const p = await start({ "assets/a.yaml": MANIFEST("A tile") });
    const file = path.join(p.root, "generated/banner.png");
    const original = readFileSync(file);
    let done = nextBuild(w!);
    p.write("assets/a.yaml", MANIFEST("A tile", "Another banner"));
    await done;
    expect(readFileSync(file).equals(original)).toBe(false);
    const charges = sim.ledger().length;
    done = nextBuild(w!);
    p.write("assets/a.yaml", MANIFEST("A tile"));
    const { result } = await done;
    expect(result.assets.find((a) => a.name === "banner")).toMatchObject({ status: "generated", restored: true, costUsd: 0 });
    expect(sim.ledger().length).toBe(charges);
    expect(readFileSync(file).equals(original)).toBe(true);
  });

  it("builds the assets of a new manifest file", async () => {
    const p = await start({ "assets/a.yaml": MANIFEST("A tile") });
    const done = nextBuild(w!);
    p.write("assets/more/b.yaml", `assets:\n  - name: extra\n    prompt: "An extra image"\n`);
    const { result } = await done;
    expect(generated(result)).toEqual(["extra"]);
    expect(readFileSync(path.join(p.root, "generated/extra.png")).length).toBeGreaterThan(0);
  });

  it("rebuilds exactly the users of a replaced reference image", async () => {
    const p = await start({
      "refs/logo.png": await solidImage("#ff0000"),
      "assets/a.yaml": `assets:\n  - name: plain\n    prompt: "No reference"\n  - name: "edit/{{n}}"\n    prompt: "Put the logo on a {{n}}"\n    references: [../refs/logo.png]\n    matrix: { n: [mug, cap] }\n`,
    });
    const before = lock(p.root).assets["edit/mug"].hash;
    const done = nextBuild(w!);
    p.write("refs/logo.png", await solidImage("#0000ff"));
    const { result } = await done;
    expect(generated(result)).toEqual(["edit/cap", "edit/mug"]);
    expect(lock(p.root).assets["edit/mug"].hash).not.toBe(before);
  });

  it("rebuilds everything downstream of a changed asset, upstream first", async () => {
    const manifest = (hero: string) =>
      `assets:\n  - name: hero\n    prompt: "${hero}"\n  - name: "scene/{{s}}"\n    prompt: "The hero on a {{s}}"\n    references: [{ asset: hero }]\n    matrix: { s: [beach, desk] }\n  - name: poster\n    prompt: "Poster from the beach scene"\n    references: [{ asset: scene/beach }]\n  - name: unrelated\n    prompt: "Unrelated"\n`;
    const p = await start({ "assets/a.yaml": manifest("A hero shot") });
    const events = record(w!);
    const done = nextBuild(w!);
    p.write("assets/a.yaml", manifest("A better hero shot"));
    const { result } = await done;
    expect(generated(result)).toEqual(["hero", "poster", "scene/beach", "scene/desk"]);
    const order = events.flatMap((e) => (e.type === "build" && e.event.type === "generated" ? [e.event.name] : []));
    expect(order[0]).toBe("hero");
    expect(order.indexOf("poster")).toBeGreaterThan(order.indexOf("scene/beach"));
    const l = lock(p.root).assets;
    expect(l.hero.generatedAt <= l["scene/beach"].generatedAt).toBe(true);
    expect(l["scene/beach"].generatedAt <= l.poster.generatedAt).toBe(true);
  });

  it("reports a missing reference image and builds once it appears", async () => {
    const p = await start({ "assets/a.yaml": MANIFEST("A tile") });
    const error = next(w!, "error");
    p.write("assets/b.yaml", `assets:\n  - name: stamped\n    prompt: "The stamp on a card"\n    references: [../refs/stamp.png]\n`);
    expect((await error).message).toMatch(/assets\/b\.yaml:4:\d+ +assets\[0\]\.references\[0\]: reference file refs\/stamp\.png not found/);
    const done = nextBuild(w!);
    p.write("refs/stamp.png", await solidImage("#00aa00"));
    const { result } = await done;
    expect(generated(result)).toEqual(["stamped"]);
  });
});
