import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";

/** A temp project folder with a simulated config and the given files (path → text or bytes). */
export function tempProject(
  files: Record<string, string | Buffer>,
  config: Record<string, unknown> = {},
): { root: string; write(file: string, data: string | Buffer): void; cleanup(): void } {
  const root = mkdtempSync(path.join(os.tmpdir(), "nb-test-"));
  const write = (file: string, data: string | Buffer) => {
    const abs = path.join(root, file);
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, data);
  };
  const cfg = {
    provider: "apidot",
    simulate: true,
    manifests: ["assets/**/*.yaml"],
    concurrency: 4,
    defaults: { model: "nano-banana-2", resolution: "0.5K", aspectRatio: "1:1", format: "png" },
    providers: { apidot: { pollIntervalMs: 10 } },
    simulator: { latencyMs: 5 },
    ...config,
  };
  write("nanobanana.config.yaml", JSON.stringify(cfg, null, 2));
  for (const [f, d] of Object.entries(files)) write(f, d);
  return { root, write, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/** A small solid-colour image. */
export function solidImage(color: string, format: "png" | "jpeg" | "webp" = "png", size = 64): Promise<Buffer> {
  return sharp({ create: { width: size, height: size, channels: 3, background: color } })
    [format]()
    .toBuffer();
}
