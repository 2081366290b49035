import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { UserError } from "../core/errors/user-error.js";
import { CONFIG_NAMES } from "../engine/load/load.js";
import type { CliArgs } from "./cli-args.js";
import type { Io } from "./io.js";

const CONFIG = `# yaml-language-server: $schema=./node_modules/nanobanana/schema/nanobanana.config.schema.json
# Every field: node_modules/nanobanana/nanobanana.config.yaml.example
provider: apidot              # apidot | gemini | fal | revid
simulate: true                # the built-in simulator: no key, no cost. Set false (and export the key) to build for real.
manifests: ["assets/**/*.yaml"]
outDir: generated
lockfile: nanobanana.lock
concurrency: 4
defaults: { model: nano-banana-2, resolution: 1K, aspectRatio: "1:1", format: png }
brands:
  house:
    prefix: "Clean studio product photography, soft light."
    suffix: "No watermark."
`;

const MANIFEST = `# yaml-language-server: $schema=../node_modules/nanobanana/schema/manifest.schema.json
brand: house
templates:
  hero: "A {{product}} on a {{surface}} surface."
assets:
  - name: "hero/{{product}}-{{ratio}}"
    template: hero
    vars: { surface: "light oak" }
    matrix: { product: [mug, teapot], ratio: ["1:1", "16:9"] }
    aspectRatio: "{{ratio}}"
`;

const GITIGNORE = `# nanobanana's local state: task journal and image store (not shared)
.nanobanana/
`;

/**
 * `nanobanana init`: a config and an example manifest that build on the simulator, and
 * `.nanobanana/` in .gitignore (appended when the file exists). Never overwrites.
 */
export async function initCommand(args: CliArgs, io: Io): Promise<number> {
  const root = path.resolve(args.cwd);
  mkdirSync(root, { recursive: true });
  const existing = CONFIG_NAMES.map((n) => path.join(root, n)).find((f) => existsSync(f));
  if (existing) throw new UserError(`${existing} already exists; init writes only into a project without one`);
  const manifest = path.join(root, "assets", "example.yaml");
  writeFileSync(path.join(root, "nanobanana.config.yaml"), CONFIG);
  const ignore = path.join(root, ".gitignore");
  const ignored = existsSync(ignore) ? readFileSync(ignore, "utf8") : "";
  const addIgnore = !/^\/?\.nanobanana\/?$/m.test(ignored);
  if (addIgnore) writeFileSync(ignore, `${ignored}${ignored && !ignored.endsWith("\n") ? "\n" : ""}${GITIGNORE}`);
  if (!existsSync(manifest)) {
    mkdirSync(path.dirname(manifest), { recursive: true });
    writeFileSync(manifest, MANIFEST);
  }
  const rel = path.relative(process.cwd(), root);
  const here = rel === "" ? "." : rel.startsWith("..") ? root : rel;
  io.stdout.write(
    `wrote ${path.join(here, "nanobanana.config.yaml")} and ${path.join(here, "assets", "example.yaml")}${addIgnore ? `; ${ignored ? "added .nanobanana/ to" : "wrote"} ${path.join(here, ".gitignore")}` : ""}\n` +
      `next: npx nanobanana plan${here === "." ? "" : ` -C ${here}`}   (what a build would make, and its cost)\n` +
      `      npx nanobanana build${here === "." ? "" : ` -C ${here}`}  (images in generated/, on the simulator)\n`,
  );
  return 0;
}
