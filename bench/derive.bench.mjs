// Issue 14: deriving 4 sizes (webp, webp, jpeg, avif) for 1,000 generated 1K images, locally
// at $0 (target < 180 s on a shared 2-core box), and a second build that makes nothing
// (target: 0 made, < 5 s).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import { CLI, row, timeNode } from "./lib/measure.mjs";
import { standalone } from "./lib.mjs";

const COUNT = 1000;

async function builtProject() {
  const { loadProject, serializeLock } = await import("../dist/all.js");
  const dir = mkdtempSync(path.join(os.tmpdir(), "nb-bench-derive-"));
  writeFileSync(
    path.join(dir, "nanobanana.config.yaml"),
    `provider: apidot\nsimulate: true\nmanifests: ["assets/**/*.yaml"]\ndefaults: { model: nano-banana-2, resolution: 1K, aspectRatio: "1:1", format: png }\n`,
  );
  mkdirSync(path.join(dir, "assets"));
  writeFileSync(
    path.join(dir, "assets", "cards.yaml"),
    `defaults:\n  derive:\n    - { width: 480, format: webp }\n    - { width: 320, format: webp, quality: 70 }\n    - { width: 160, format: jpeg }\n    - { width: 80, format: avif }\nassets:\n  - name: "card/{{i}}"\n    prompt: "Product card {{i}}"\n    matrix: { i: [${Array.from({ length: COUNT }, (_, i) => i).join(", ")}] }\n`,
  );
  // Ten distinct 1024×1024 images (a gradient with a coloured square), reused round-robin.
  const images = [];
  for (let k = 0; k < 10; k++) {
    const square = await sharp({ create: { width: 300, height: 300, channels: 3, background: { r: 25 * k, g: 200 - 15 * k, b: 90 } } })
      .png()
      .toBuffer();
    const data = await sharp({ create: { width: 1024, height: 1024, channels: 3, background: { r: 240, g: 235, b: 225 } } })
      .composite([{ input: square, left: 100 + 40 * k, top: 300 }])
      .png()
      .toBuffer();
    images.push(data);
  }
  const project = loadProject({ cwd: dir });
  const assets = {};
  project.assets.forEach((a, n) => {
    const data = images[n % images.length];
    const file = path.join(dir, a.output);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, data);
    const { provider, model, modelId, ...spec } = a.spec;
    assets[a.name] = {
      hash: a.hash,
      provider,
      model,
      modelId,
      taskId: `ad_${a.hash.slice(0, 12)}`,
      output: a.output,
      sha256: createHash("sha256").update(data).digest("hex"),
      bytes: data.length,
      width: 1024,
      height: 1024,
      format: "png",
      cost: { usd: 0.05, credits: 10, source: "provider" },
      generatedAt: "2026-11-21T00:00:00.000Z",
      simulated: true,
      spec,
    };
  });
  writeFileSync(path.join(dir, "nanobanana.lock"), serializeLock({ version: 1, assets }));
  return dir;
}

export async function run() {
  const rows = [];
  const dir = await builtProject();
  try {
    const first = timeNode([CLI, "build", "-C", dir, "--json"]);
    if (first.code !== 0) throw new Error(first.stderr || first.stdout);
    const a = JSON.parse(first.stdout);
    const made = a.derived?.made ?? 0;
    rows.push(
      row(
        `derive 4 sizes × ${COUNT} images (first build, wall; ${made} files made, $${a.costUsd})`,
        `${(first.ms / 1000).toFixed(1)} s`,
        "< 180 s, 4,000 made, $0",
        first.ms < 180_000 && made === 4 * COUNT && a.costUsd === 0 && a.generated === 0,
      ),
    );
    rows.push(row("per derived file (first build)", `${(first.ms / (4 * COUNT)).toFixed(1)} ms`, "-", true));
    const second = timeNode([CLI, "build", "-C", dir, "--json"]);
    const b = JSON.parse(second.stdout);
    rows.push(
      row(
        `second build (wall; ${b.derived?.made ?? "?"} made, ${b.derived?.upToDate ?? "?"} up to date)`,
        `${second.ms.toFixed(0)} ms`,
        "0 made, < 5000 ms",
        b.derived?.made === 0 && b.derived?.upToDate === 4 * COUNT && second.ms < 5000,
      ),
    );
    rows.push(row("peak RSS (first build)", `${first.rssMb.toFixed(0)} MB`, "< 500 MB", first.rssMb < 500));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const missed = rows.filter((r) => r.result === "FAIL");
  return {
    name: "derived files at scale (issue 14)",
    rows,
    target: "4,000 derived files < 180 s at $0; a second build makes none in < 5 s",
    pass: missed.length === 0,
    verdict: missed.length ? `missed: ${missed.map((r) => r.name).join("; ")}` : "all met",
  };
}

await standalone(import.meta, run);
