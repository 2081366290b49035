import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

/**
 * A project of `count` assets (a matrix of i × j), optionally already "built": tiny output
 * files and a lockfile whose entries match the specs, so a build has nothing to do.
 */
export async function fakeProject(count, { built = false } = {}) {
  const { loadProject, serializeLock } = await import("../../dist/all.js");
  const dir = mkdtempSync(path.join(os.tmpdir(), "nb-bench-"));
  const cols = Math.min(count, 100);
  const rows = Math.ceil(count / cols);
  writeFileSync(
    path.join(dir, "nanobanana.config.yaml"),
    `provider: apidot\nsimulate: true\nmanifests: ["assets/**/*.yaml"]\ndefaults: { model: nano-banana-2, resolution: 1K, aspectRatio: "1:1", format: png }\nbrands:\n  acme: { prefix: "Acme house style.", suffix: "No watermark." }\n`,
  );
  mkdirSync(path.join(dir, "assets"));
  const range = (n) => Array.from({ length: n }, (_, i) => i).join(", ");
  writeFileSync(
    path.join(dir, "assets", "grid.yaml"),
    `brand: acme\ntemplates:\n  card: "Product card {{row}}-{{col}} on a {{surface}} surface, soft light."\nassets:\n  - name: "grid/r{{row}}/c{{col}}"\n    template: card\n    vars: { surface: marble }\n    matrix: { row: [${range(rows)}], col: [${range(cols)}] }\n`,
  );
  if (built) {
    const project = loadProject({ cwd: dir });
    const assets = {};
    for (const a of project.assets) {
      const file = path.join(dir, a.output);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, "x".repeat(64));
      const { provider, model, modelId, ...spec } = a.spec;
      assets[a.name] = {
        hash: a.hash,
        provider,
        model,
        modelId,
        taskId: `ad_${a.hash.slice(0, 12)}`,
        output: a.output,
        sha256: a.hash,
        bytes: 64,
        width: 1024,
        height: 1024,
        format: "png",
        cost: { usd: 0.05, credits: 10, source: "provider" },
        generatedAt: "2026-11-21T00:00:00.000Z",
        simulated: true,
        spec,
      };
    }
    writeFileSync(path.join(dir, "nanobanana.lock"), serializeLock({ version: 1, assets }));
  }
  return dir;
}
