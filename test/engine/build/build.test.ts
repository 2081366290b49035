import { HttpError } from "../../../src/engine/transport/errors.js";
import { ProviderRuntime } from "../../../src/engine/providers/runtime.js";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import sharp from "sharp";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { build, connect, loadProject, readLock } from "../../../src/index.js";
import { startSimulator, type Simulator } from "../../../src/simulator/index.js";
import { removeProject, simConfig, tempProject } from "../../helpers/project.js";

const MANIFEST = `brand: aether
defaults: { model: nano-banana-pro, resolution: 1K }
templates:
  hero: "Studio product photo of {{product}} on {{surface}}."
  flat: "Flat lay of {{product}}."
assets:
  - name: "hero/{{product}}-{{ratio}}"
    template: hero
    vars: { surface: "black marble" }
    matrix: { product: [earbuds, headphones], ratio: ["1:1", "16:9"] }
    aspectRatio: "{{ratio}}"
  - name: "flat/{{product}}"
    template: flat
    matrix: { product: [earbuds, headphones] }
  - name: banner
    prompt: "Wide banner with the words 'Hear Everything'."
    brand: none
    model: nano-banana-2
    aspectRatio: "21:9"
    format: jpeg
    seed: 7
`;

let sim: Simulator;
let dir = "";
beforeAll(async () => {
  sim = await startSimulator({ latencyMs: 20 });
});
afterAll(() => sim.close());
afterEach(() => {
  removeProject(dir);
  sim.state.reset();
});

const load = () => loadProject({ cwd: dir });

describe("build on the simulator", () => {
  it("writes real images and a lockfile; a second build does nothing", async () => {
    dir = tempProject({ "nanobanana.config.yaml": simConfig(), "assets/products.yaml": MANIFEST });
    const r1 = await build(await load(), { simulatorUrl: sim.url });
    expect(r1).toMatchObject({ generated: 7, upToDate: 0, failed: 0, blocked: 0, simulated: true });
    expect(sim.ledger()).toHaveLength(7);
    expect(r1.costUsd).toBeCloseTo(6 * 0.09 + 0.05, 6);

    const meta = await sharp(path.join(dir, "generated/hero/earbuds-16-9.png")).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(["png", 1376, 768]);
    const banner = await sharp(path.join(dir, "generated/banner.jpg")).metadata();
    expect([banner.format, banner.width, banner.height]).toEqual(["jpeg", 1584, 672]);

    const lock = await readLock(path.join(dir, "nanobanana.lock"));
    expect(Object.keys(lock.assets)).toHaveLength(7);
    const e = lock.assets["hero/earbuds-16-9"];
    expect(e).toMatchObject({
      provider: "apidot",
      model: "nano-banana-pro",
      modelId: "nano-banana-pro",
      output: "generated/hero/earbuds-16-9.png",
      width: 1376,
      height: 768,
      format: "png",
      simulated: true,
      cost: { usd: 0.09, credits: 18, source: "provider" },
    });
    expect(e.bytes).toBe(readFileSync(path.join(dir, e.output)).length);
    expect(e.taskId).toBe(sim.ledger().find((c) => c.prompt.includes("earbuds on black marble") && c.taskId === e.taskId)?.taskId);
    expect(existsSync(path.join(dir, ".nanobanana/tasks")) && readFileSync(path.join(dir, "nanobanana.lock"), "utf8")).not.toMatch(
      /simulator-key|https?:\/\//,
    );

    const lockBytes = readFileSync(path.join(dir, "nanobanana.lock"));
    const r2 = await build(await load(), { simulatorUrl: sim.url });
    expect(r2).toMatchObject({ generated: 0, upToDate: 7, costUsd: 0 });
    expect(sim.ledger()).toHaveLength(7);
    expect(readFileSync(path.join(dir, "nanobanana.lock")).equals(lockBytes)).toBe(true);
  });

  it("editing one template rebuilds only that template's variants", async () => {
    dir = tempProject({ "nanobanana.config.yaml": simConfig(), "assets/products.yaml": MANIFEST });
    await build(await load(), { simulatorUrl: sim.url });
    const before = await readLock(path.join(dir, "nanobanana.lock"));
    sim.state.reset();
    writeFileSync(
      path.join(dir, "assets/products.yaml"),
      MANIFEST.replace("Flat lay of {{product}}.", "Flat lay of {{product}} on linen."),
    );
    const r = await build(await load(), { simulatorUrl: sim.url });
    expect(r.generated).toBe(2);
    expect(
      sim
        .ledger()
        .map((c) => c.prompt)
        .sort(),
    ).toEqual([
      "Aether house style. Flat lay of earbuds on linen. No watermark.",
      "Aether house style. Flat lay of headphones on linen. No watermark.",
    ]);
    const after = await readLock(path.join(dir, "nanobanana.lock"));
    for (const name of Object.keys(before.assets)) {
      if (name.startsWith("flat/")) expect(after.assets[name].taskId).not.toBe(before.assets[name].taskId);
      else expect(after.assets[name]).toEqual(before.assets[name]);
    }
  });

  it("a deleted output is rebuilt (from the local store, at no charge)", async () => {
    dir = tempProject({ "nanobanana.config.yaml": simConfig(), "assets/products.yaml": MANIFEST });
    await build(await load(), { simulatorUrl: sim.url });
    const file = path.join(dir, "generated/banner.jpg");
    const original = readFileSync(file);
    writeFileSync(file, "oops");
    sim.state.reset();
    const r = await build(await load(), { simulatorUrl: sim.url });
    expect(r.generated).toBe(1);
    expect(r.assets.find((a) => a.name === "banner")).toMatchObject({ status: "generated", restored: true, costUsd: 0 });
    expect(sim.ledger()).toHaveLength(0);
    expect(readFileSync(file).equals(original)).toBe(true);
  });

  it("--only builds a subset by name glob", async () => {
    dir = tempProject({ "nanobanana.config.yaml": simConfig(), "assets/products.yaml": MANIFEST });
    const r = await build(await load(), { simulatorUrl: sim.url, only: ["hero/*-1-1"] });
    expect(r.assets.map((a) => `${a.name}:${a.status}`)).toEqual(["hero/earbuds-1-1:generated", "hero/headphones-1-1:generated"]);
    expect(sim.ledger()).toHaveLength(2);
  });

  it("one failed asset does not stop the others, and keeps its previous image", async () => {
    dir = tempProject({ "nanobanana.config.yaml": simConfig(), "assets/products.yaml": MANIFEST });
    const project = await load();
    const conn = await connect(project, { simulatorUrl: sim.url });
    const real = conn.provider;
    conn.provider = new ProviderRuntime(conn.definition, {
      name: real.name,
      submit: (req, o) =>
        req.prompt.includes("Hear Everything")
          ? Promise.reject(
              new HttpError("insufficient credits", {
                url: "x",
                method: "POST",
                status: 402,
                retryable: false,
                mayHaveReachedServer: true,
              }),
            )
          : real.submit(req, o),
      status: (t, req, o) => real.status(t, req, o),
    });
    const r = await build(project, { connection: conn, concurrency: 2 });
    await conn.close();
    expect(r).toMatchObject({ generated: 6, failed: 1 });
    expect(r.assets.find((a) => a.name === "banner")).toMatchObject({ status: "failed", error: "insufficient credits" });
    expect(Object.keys((await readLock(path.join(dir, "nanobanana.lock"))).assets)).not.toContain("banner");
    expect(sim.ledger()).toHaveLength(6);
  });

  it("concurrency bounds the tasks in flight", async () => {
    const many = `assets:\n  - name: "n{{i}}"\n    prompt: "card {{i}}"\n    matrix: { i: [${Array.from({ length: 12 }, (_, i) => i).join(", ")}] }\n`;
    dir = tempProject({ "nanobanana.config.yaml": simConfig().replace("latencyMs: 20", "latencyMs: 100"), "assets/m.yaml": many });
    const project = await load();
    const conn = await connect(project, { simulatorUrl: sim.url });
    let inFlight = 0;
    let peak = 0;
    const real = conn.provider;
    const done = new Set<string>();
    conn.provider = new ProviderRuntime(conn.definition, {
      name: real.name,
      submit: async (req, o) => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        return real.submit(req, o);
      },
      status: async (t, req, o) => {
        const s = await real.status(t, req, o);
        if (s.state !== "pending" && !done.has(t.taskId)) {
          done.add(t.taskId);
          inFlight--;
        }
        return s;
      },
    });
    const r = await build(project, { connection: conn, concurrency: 3 });
    await conn.close();
    expect(r.generated).toBe(12);
    expect(peak).toBe(3);
  });
});
