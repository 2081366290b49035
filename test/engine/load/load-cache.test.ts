import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadProject } from "../../../src/engine/load/load.js";
import { headOf, packAssets, rowsOf, unpackAssets, unpackRun, type PackedRun } from "../../../src/engine/load/asset-columns.js";
import type { ResolvedAsset } from "../../../src/core/project.js";
import { removeProject, simConfig, tempProject, writeFiles } from "../../helpers/project.js";

const PNG = Buffer.from(
  "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6300010000050001a5f645400000000049454e44ae426082",
  "hex",
);

let root: string;
afterEach(() => removeProject(root));

const manifest = (prompt: string) =>
  `brand: aether\nassets:\n  - name: hero\n    prompt: "${prompt}"\n  - name: card\n    prompt: "A card"\n`;
const load = () => loadProject({ cwd: root, persistCache: true });
const cacheFile = () => path.join(root, ".nanobanana", "cache", "load.json");

/** The cache file's lines, parsed: the first (the runs' heads), then the row lines. */
const cacheLines = () =>
  readFileSync(cacheFile(), "utf8")
    .trimEnd()
    .split("\n")
    .map((l) => JSON.parse(l));

/** Marks every cached asset of the manifest so a load that served from the cache shows it. */
function poison(): void {
  const [data, ...rows] = cacheLines();
  const lines: string[] = [];
  for (const e of data.entries) {
    const assets: ResolvedAsset[] = [];
    for (const run of e.runs) unpackRun(run, () => rows.shift(), assets);
    for (const a of assets) a.spec.prompt = `CACHED ${a.spec.prompt}`;
    const runs = packAssets(assets);
    e.runs = runs.map(headOf);
    for (const r of runs) if (!r.columns.every(Array.isArray)) lines.push(JSON.stringify(rowsOf(r, 0, r.n)));
  }
  writeFileSync(cacheFile(), `${[JSON.stringify(data), ...lines].join("\n")}\n`);
}

describe("the on-disk load cache", () => {
  it("serves an unchanged manifest from the cache and never a stale one", () => {
    root = tempProject({ "nanobanana.config.yaml": simConfig(), "assets/a.yaml": manifest("A hero") });
    const first = load();
    poison();
    // Unchanged config and manifest: the expansion comes from the cache.
    expect(load().assets[0].spec.prompt).toMatch(/^CACHED /);

    // A manifest edit, a config edit and a brand edit each expand again.
    writeFiles(root, { "assets/a.yaml": manifest("A new hero") });
    expect(load().assets[0].spec.prompt).toBe("Aether house style. A new hero No watermark.");
    poison();
    writeFiles(root, { "nanobanana.config.yaml": simConfig().replace("No watermark.", "No text.") });
    const branded = load();
    expect(branded.assets[0].spec.prompt).toBe("Aether house style. A new hero No text.");
    expect(branded.assets[0].hash).not.toBe(first.assets[0].hash);
    poison();
    writeFiles(root, {
      "nanobanana.config.yaml": simConfig().replace("No watermark.", "No text.").replace("resolution: 1K", "resolution: 2K"),
    });
    expect(load().assets[0].spec.resolution).toBe("2K");
  });

  it("never serves a stale spec when a local reference file changes (its bytes are part of the spec)", () => {
    root = tempProject({
      "nanobanana.config.yaml": simConfig(),
      "assets/a.yaml": "assets:\n  - name: edit\n    prompt: Recolour it\n    references: [{ file: ../refs/in.png }]\n",
    });
    writeFiles(root, { "refs/in.png": "" });
    writeFileSync(path.join(root, "refs", "in.png"), PNG);
    const before = load().assets[0];
    writeFileSync(path.join(root, "refs", "in.png"), Buffer.concat([PNG, Buffer.from("changed")]));
    const after = load().assets[0];
    expect(after.spec.references[0].sha256).not.toBe(before.spec.references[0].sha256);
    expect(after.hash).not.toBe(before.hash);
  });

  it("a deleted manifest leaves the cache, a broken cache file is ignored", () => {
    root = tempProject({
      "nanobanana.config.yaml": simConfig(),
      "assets/a.yaml": manifest("A hero"),
      "assets/b.yaml": "assets:\n  - name: b\n    prompt: B\n",
    });
    expect(load().assets).toHaveLength(3);
    writeFileSync(cacheFile(), "{ not json");
    expect(load().assets).toHaveLength(3);
    removeProject(path.join(root, "assets", "b.yaml"));
    expect(load().assets.map((a) => a.name)).toEqual(["hero", "card"]);
    expect(cacheLines()[0].entries.map((e: { file: string }) => e.file)).toEqual(["assets/a.yaml"]);
  });

  it("packs a matrix into a few columns and unpacks every asset as it was, fields and order", () => {
    root = tempProject({
      "nanobanana.config.yaml": simConfig(),
      "assets/a.yaml": `assets:
  - name: "grid/{{row}}-{{col}}"
    prompt: "Card {{row}} {{col}}"
    matrix: { row: [0, 1, 2], col: [a, b] }
  - name: hero
    prompt: "A hero"
    seed: 7
    derive: [{ width: 64, format: webp }]
  - name: card
    prompt: "A card"
    seed: 8
    derive: [{ width: 64, format: webp }]
`,
    });
    const assets = load().assets;
    const runs = packAssets(assets);
    // The six variants share a shape, and so do hero and card: two runs.
    expect(runs.map((r) => r.n)).toEqual([6, 2]);
    // What every variant has in common is stored once; what differs, once per variant.
    const col = (r: PackedRun, p: string) => r.columns[r.paths.findIndex((x) => x.join(".") === p)];
    expect(col(runs[0], "spec.model")).toEqual([assets[0].spec.model]);
    expect(col(runs[0], "spec.prompt")).toEqual({ each: ["Card 0 a", "Card 0 b", "Card 1 a", "Card 1 b", "Card 2 a", "Card 2 b"] });
    const back = unpackAssets(JSON.parse(JSON.stringify(runs)));
    expect(back).toEqual(assets);
    expect(back.map((a) => JSON.stringify(a))).toEqual(assets.map((a) => JSON.stringify(a)));
    // An object with no field set stays an object, as JSON would keep it.
    const odd = { ...assets[0], matrix: {}, alt: { text: undefined } } as unknown as (typeof assets)[0];
    expect(unpackAssets(JSON.parse(JSON.stringify(packAssets([odd]))))).toEqual([JSON.parse(JSON.stringify(odd))]);
    // Fresh objects: editing one asset's references leaves the others alone. Only what the
    // expansion itself shares is shared: where the variants were declared.
    back[0].spec.references.push({ kind: "url", url: "https://example.com/x.png" } as never);
    expect(back[1].spec.references).toEqual([]);
    expect(back[1].spec).not.toBe(back[0].spec);
    expect(back[1].source).toBe(back[0].source);
    expect(assets[1].source).toBe(assets[0].source);
    // A field named like an object's prototype stays a field of its own.
    const proto = JSON.parse('{"__proto__": 1, "constructor": "x", "0": true}');
    const [weird] = unpackAssets(JSON.parse(JSON.stringify(packAssets([{ ...assets[0], matrix: proto }]))));
    expect(Object.getPrototypeOf(weird.matrix)).toBe(Object.prototype);
    expect(JSON.stringify(weird.matrix)).toBe(JSON.stringify(proto));
  });

  it("serves a matrix of many row lines exactly as expanded, and ignores a file cut short", () => {
    root = tempProject({
      "nanobanana.config.yaml": simConfig(),
      "assets/a.yaml": `assets:
  - name: "grid/{{row}}-{{col}}"
    prompt: "Card {{row}} {{col}} – “{{label}}”"
    matrix: { row: [${Array.from({ length: 30 }, (_, i) => i).join(", ")}], col: [${Array.from({ length: 20 }, (_, i) => i).join(", ")}] }
    vars: { label: "été" }
`,
    });
    const cold = load().assets;
    expect(cold).toHaveLength(600);
    const lines = cacheLines();
    expect(lines.length).toBe(1 + Math.ceil(600 / 256));
    const warm = load().assets;
    expect(warm.map((a) => JSON.stringify(a))).toEqual(cold.map((a) => JSON.stringify(a)));
    // A file cut short (a row line missing) is ignored as a whole, and rewritten.
    const text = readFileSync(cacheFile(), "utf8");
    writeFileSync(cacheFile(), text.slice(0, text.lastIndexOf("\n", text.length - 2) + 1));
    const again = load().assets;
    expect(again.map((a) => JSON.stringify(a))).toEqual(cold.map((a) => JSON.stringify(a)));
    expect(readFileSync(cacheFile(), "utf8")).toBe(text);
    // A run of assets with nothing varying (not even the name) is not taken either.
    expect(() => unpackRun({ paths: [["name"]], n: 1_000_000_000, columns: [["x"]] }, () => undefined, [])).toThrow();
  });
});

describe("a build's load cache, written after its first requests", () => {
  it("is not written before the first requests are sent, then is; savePendingCache writes it when none were", async () => {
    const { existsSync } = await import("node:fs");
    const { createServer } = await import("node:http");
    const { Agent, request } = await import("undici");
    const { savePendingCache } = await import("../../../src/engine/load/load.js");
    root = tempProject({ "nanobanana.config.yaml": simConfig(), "assets/a.yaml": manifest("A hero") });

    // A build that sends nothing: the cache is written when the build says it is done.
    const quiet = loadProject({ cwd: root, persistCache: "after-first-requests" });
    expect(existsSync(cacheFile())).toBe(false);
    savePendingCache(quiet);
    expect(cacheLines()[0].entries.map((e: { file: string }) => e.file)).toEqual(["assets/a.yaml"]);

    // A build that sends: written once its first request is on the wire, with nothing else asked.
    writeFiles(root, { "assets/a.yaml": manifest("A new hero") });
    const before = readFileSync(cacheFile(), "utf8");
    loadProject({ cwd: root, persistCache: "after-first-requests" });
    expect(readFileSync(cacheFile(), "utf8")).toBe(before);
    const server = createServer((_req, res) => res.end("ok"));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const agent = new Agent();
    try {
      const { port } = server.address() as { port: number };
      await (await request(`http://127.0.0.1:${port}/`, { dispatcher: agent })).body.text();
      for (let turns = 0; readFileSync(cacheFile(), "utf8") === before; turns++) {
        if (turns > 10_000) throw new Error("the cache was never written");
        await new Promise((r) => setImmediate(r));
      }
      expect(load().assets[0].spec.prompt).toBe("Aether house style. A new hero No watermark.");
    } finally {
      await agent.close();
      server.close();
    }
  });
});
