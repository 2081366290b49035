import { afterEach, describe, expect, it } from "vitest";
import { loadProject, specHash, type AssetSpec } from "../../src/all.js";
import { removeProject, simConfig, tempProject } from "../helpers/project.js";

const base: AssetSpec = {
  provider: "apidot",
  model: "nano-banana-2",
  modelId: "nano-banana-2",
  prompt: "A red chair",
  resolution: "1K",
  aspectRatio: "1:1",
  format: "png",
  seed: 7,
  webSearch: false,
  references: [],
};

describe("spec hash", () => {
  it("is stable: same spec, same hash, whatever the key order", () => {
    const reordered = Object.fromEntries(Object.entries(base).reverse()) as unknown as AssetSpec;
    expect(specHash(reordered)).toBe(specHash(base));
    expect(specHash({ ...base })).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each([
    ["provider", { provider: "fal" }],
    ["modelId", { modelId: "nano-banana-2-edit" }],
    ["prompt", { prompt: "A red chair." }],
    ["resolution", { resolution: "2K" }],
    ["aspectRatio", { aspectRatio: "16:9" }],
    ["format", { format: "jpeg" }],
    ["seed", { seed: 8 }],
    ["seed removed", { seed: undefined }],
    ["webSearch", { webSearch: true }],
    ["reference content", { references: [{ kind: "file", ref: "a.png", sha256: "ab" }] }],
  ] as const)("changes with %s", (_, change) => {
    expect(specHash({ ...base, ...change } as AssetSpec)).not.toBe(specHash(base));
  });

  it("does not depend on the family name beside the model id (the id decides)", () => {
    expect(specHash({ ...base, model: "nano-banana-pro" })).toBe(specHash(base));
  });
});

describe("spec hash from manifests", () => {
  const dirs: string[] = [];
  afterEach(() => dirs.forEach(removeProject));
  const hashes = (config: string, manifest: string) => {
    const dir = tempProject({ "nanobanana.config.yaml": config, "assets/a.yaml": manifest });
    dirs.push(dir);
    return Object.fromEntries(loadProject({ cwd: dir }).assets.map((a) => [a.name, a.hash]));
  };
  const manifest = `assets:\n  - name: a\n    prompt: "A chair"\n    seed: 1\n`;

  it("ignores comments, key order, concurrency, outDir, the asset's output path and lockfile path", () => {
    const h1 = hashes(simConfig(), manifest);
    const h2 = hashes(
      simConfig("outDir: elsewhere\nlockfile: other.lock\n").replace("concurrency: 4", "concurrency: 9"),
      `# comment\nassets:\n  - seed: 1 # the seed\n    prompt: "A chair"\n    out: x/y.png\n    name: a\n`,
    );
    expect(h2).toEqual(h1);
  });

  it("includes the brand text, because it changes the prompt", () => {
    const h1 = hashes(simConfig(), manifest);
    const h2 = hashes(simConfig(), `brand: aether\n${manifest}`);
    expect(h2.a).not.toBe(h1.a);
  });
});
