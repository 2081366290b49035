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

/** The `remote:` block `init --remote` appends to the config. */
function remoteBlock(url: string): string {
  return `remote:                       # images shared with the team and CI; credentials from the AWS chain (AWS_ACCESS_KEY_ID/…, profile, role)
  url: ${url}
  # endpoint: https://…         # R2, MinIO, GCS interop: the service's S3 endpoint
  # region: us-east-1
  # forcePathStyle: true        # MinIO and most local services
`;
}

/** With a remote, the team commits only the lockfile: outputs come back with `nanobanana pull`. */
const GITIGNORE_OUTPUTS = `# generated images live in the remote store: commit the lockfile, run \`nanobanana pull\` after a clone
generated/
`;

/**
 * Appends what `.gitignore` lacks: `.nanobanana/`, and with a remote the outputs folder.
 * Returns the entries it added.
 */
function extendGitignore(file: string, withRemote: boolean): string[] {
  const ignored = existsSync(file) ? readFileSync(file, "utf8") : "";
  const blocks: Array<[string, string, RegExp]> = [[".nanobanana/", GITIGNORE, /^\/?\.nanobanana\/?$/m]];
  if (withRemote) blocks.push(["generated/", GITIGNORE_OUTPUTS, /^\/?generated\/?$/m]);
  const missing = blocks.filter(([, , present]) => !present.test(ignored));
  if (missing.length)
    writeFileSync(file, `${ignored}${ignored && !ignored.endsWith("\n") ? "\n" : ""}${missing.map(([, text]) => text).join("")}`);
  return missing.map(([entry]) => entry);
}

/**
 * `nanobanana init`: a config and an example manifest that build on the simulator, and
 * `.nanobanana/` in .gitignore (appended when the file exists). `--remote s3://bucket/prefix`
 * adds the `remote:` block and ignores the outputs folder: the team commits only the
 * lockfile (the README's recipe). Never overwrites.
 */
export async function initCommand(args: CliArgs, io: Io): Promise<number> {
  const root = path.resolve(args.cwd);
  mkdirSync(root, { recursive: true });
  const existing = CONFIG_NAMES.map((n) => path.join(root, n)).find((f) => existsSync(f));
  if (existing) throw new UserError(`${existing} already exists; init writes only into a project without one`);
  const manifest = path.join(root, "assets", "example.yaml");
  const remote = typeof args.remote === "string" ? args.remote : undefined;
  writeFileSync(path.join(root, "nanobanana.config.yaml"), remote ? `${CONFIG}${remoteBlock(remote)}` : CONFIG);
  const ignore = path.join(root, ".gitignore");
  const existed = existsSync(ignore);
  const added = extendGitignore(ignore, remote !== undefined);
  if (!existsSync(manifest)) {
    mkdirSync(path.dirname(manifest), { recursive: true });
    writeFileSync(manifest, MANIFEST);
  }
  const rel = path.relative(process.cwd(), root);
  const here = rel === "" ? "." : rel.startsWith("..") ? root : rel;
  const at = here === "." ? "" : ` -C ${here}`;
  io.stdout.write(
    `wrote ${path.join(here, "nanobanana.config.yaml")} and ${path.join(here, "assets", "example.yaml")}${added.length ? `; ${existed ? `added ${added.join(" and ")} to` : "wrote"} ${path.join(here, ".gitignore")}` : ""}\n` +
      `next: npx nanobanana plan${at}   (what a build would make, and its cost)\n` +
      `      npx nanobanana build${at}  (images in generated/, on the simulator)\n` +
      (remote
        ? `remote: ${remote} (credentials from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, a profile or a role); commit only the lockfile,\n` +
          `      and after a clone: npx nanobanana pull${at}\n`
        : ""),
  );
  return 0;
}
