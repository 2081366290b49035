// Ships the CLI as one CommonJS bundle, dist/cli/nanobanana.cjs, started by dist/cli/main.js
// (src/cli/bin.ts) through V8's code cache (src/cli/compile-cache.ts). Run by `npm run build`
// after tsc. One file instead of ~300 modules (undici alone is 48), and with the cache a
// command compiles next to nothing: a 200-asset build's first request leaves ~210 ms after
// node starts as an ES module tree of chunks, ~150 ms this way (issue 9). Lazily imported
// modules stay lazy inside the bundle (esbuild evaluates them on first import).
// The library (dist/index.js, dist/all.js, dist/simulator) stays tsc's module tree, with its
// .d.ts types. sharp (native binaries) and the AWS SDK (large, only for remote stores) stay
// external, loaded by require() from node_modules when first used: a cached script cannot
// run import() on Node 20, so the bundle must have none (checked below). undici is its Agent and
// request API alone (scripts/cli-undici.cjs).
import { chmodSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const out = path.join(root, "dist", "cli");
rmSync(out, { recursive: true, force: true }); // tsc's per-file copy of the CLI: replaced by the bundle

/** `import("sharp")` as `require("sharp")`: through a one-line module esbuild bundles as CommonJS. */
const sharpByRequire = {
  name: "sharp-by-require",
  setup(b) {
    b.onResolve({ filter: /^sharp$/ }, (args) =>
      args.namespace === "sharp-require" ? { path: "sharp", external: true } : { path: "sharp", namespace: "sharp-require" },
    );
    b.onLoad({ filter: /.*/, namespace: "sharp-require" }, () => ({ contents: 'module.exports = require("sharp");', loader: "js" }));
  },
};

/** `undici` (the package's index, not its files) as scripts/cli-undici.cjs. */
const undiciLean = {
  name: "undici-lean",
  setup(b) {
    b.onResolve({ filter: /^undici$/ }, () => ({ path: path.join(root, "scripts", "cli-undici.cjs") }));
  },
};

/**
 * A dependency's file whose source is rewritten at bundle time by `rewrite` (which throws when
 * the source is not what it expects: a release that changes it fails the bundle's build, never
 * a user's install or run).
 */
function rewritten(name, filter, rewrite) {
  return {
    name,
    setup(b) {
      b.onLoad({ filter }, (args) => ({
        contents: rewrite(readFileSync(args.path, "utf8"), args.path),
        loader: "js",
        resolveDir: path.dirname(args.path),
      }));
    },
  };
}

/** `from`, which must appear exactly once in the source, replaced by `to`. */
const replaceOnce = (name, from, to) => (source, file) => {
  if (source.split(from).length !== 2) throw new Error(`${name}: ${file} no longer holds ${JSON.stringify(from)} once`);
  return source.replace(from, to);
};

/**
 * undici's HTTP/2 client, required when first used: nanobanana never asks for HTTP/2, and
 * loading it loads Node's http2 module, ~8 ms before a build's first request.
 */
const undiciH2Lazy = rewritten(
  "undici-h2-lazy",
  /undici[\\/]lib[\\/]dispatcher[\\/]client\.js$/,
  replaceOnce(
    "undici-h2-lazy",
    "const connectH2 = require('./client-h2.js')",
    "function connectH2 (client, socket) { return require('./client-h2.js')(client, socket) }",
  ),
);

/** zod's messages in English only (its default): the other ~50 locales are never used by the CLI. */
const zodEnglishOnly = rewritten(
  "zod-english-only",
  /zod[\\/]v4[\\/]locales[\\/]index\.js$/,
  () => 'export { default as en } from "./en.js";',
);

const common = { absWorkingDir: root, bundle: true, platform: "node", target: "node20.19", logLevel: "warning" };
const bundled = await build({
  ...common,
  entryPoints: ["src/cli/main.ts"],
  outfile: path.join(out, "nanobanana.cjs"),
  format: "cjs",
  packages: "bundle",
  external: ["@aws-sdk/*"],
  plugins: [sharpByRequire, undiciLean, undiciH2Lazy, zodEnglishOnly],
  // Two files read their own location (package-root.ts, tool-stamp.ts): the bundle's. The
  // banner goes before esbuild's own "use strict", which would then no longer be a directive:
  // so it starts with one, or the whole CLI would run in sloppy mode.
  define: { "import.meta.url": "__nbBundleUrl" },
  banner: { js: '"use strict";\nvar __nbBundleUrl = require("node:url").pathToFileURL(__filename).href;' },
  sourcemap: "linked",
  legalComments: "linked",
  metafile: true,
});
const file = path.join(out, "nanobanana.cjs");
const dynamic = Object.values(bundled.metafile.outputs)
  .flatMap((o) => o.imports)
  .filter((i) => i.kind === "dynamic-import");
if (dynamic.length) throw new Error(`the CLI bundle must not import() (${dynamic.map((i) => i.path).join(", ")}): require it instead`);
// V8 reads no shebang in a function body (the launcher wraps the bundle in one): the first
// line becomes a comment of the same length.
let text = readFileSync(file, "utf8");
if (text.startsWith("#!")) writeFileSync(file, (text = `//${text.slice(2)}`));
if (!/^(\/\/[^\n]*\n)*"use strict";/.test(text)) throw new Error('the CLI bundle must open with "use strict"');

await build({ ...common, entryPoints: ["src/cli/bin.ts"], outfile: path.join(out, "main.js"), format: "esm" });
chmodSync(path.join(out, "main.js"), 0o755);
