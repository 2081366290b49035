import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadProject } from "../../../src/engine/load/load.js";
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

/** Marks every cached asset of the manifest so a load that served from the cache shows it. */
function poison(): void {
  const data = JSON.parse(readFileSync(cacheFile(), "utf8"));
  for (const e of Object.values(data.entries) as Array<{ assets: Array<{ spec: { prompt: string } }> }>) {
    for (const a of e.assets) a.spec.prompt = `CACHED ${a.spec.prompt}`;
  }
  writeFileSync(cacheFile(), JSON.stringify(data));
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
    expect(Object.keys(JSON.parse(readFileSync(cacheFile(), "utf8")).entries)).toEqual(["assets/a.yaml"]);
  });
});
