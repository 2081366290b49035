// Ships the CLI as one bundle (dist/cli/main.js plus lazily loaded chunks in dist/cli/chunks/),
// run by `npm run build` after tsc. A command starts by loading a handful of files instead of
// ~300 modules (undici alone is 48): about 0.1-0.2 s earlier to its first request on a 2-core
// machine (issue 9). The library (dist/index.js, dist/all.js, dist/simulator) stays tsc's
// module tree, with its .d.ts types.
// sharp (native binaries) and the AWS SDK (large, only for remote stores) stay external:
// they load from node_modules when first used, as before.
import { chmodSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const out = path.join(root, "dist", "cli");
rmSync(out, { recursive: true, force: true }); // tsc's per-file copy of the CLI: replaced by the bundle
await build({
  absWorkingDir: root,
  entryPoints: { main: "src/cli/main.ts" },
  outdir: out,
  chunkNames: "chunks/[name]-[hash]",
  bundle: true,
  splitting: true, // dynamic imports stay lazy: a command loads only what it uses
  format: "esm",
  platform: "node",
  target: "node20.19",
  packages: "bundle",
  external: ["sharp", "@aws-sdk/*"],
  // CommonJS dependencies (undici, fast-glob) call require() for Node's own modules.
  banner: { js: 'import { createRequire as __nbCreateRequire } from "node:module";\nconst require = __nbCreateRequire(import.meta.url);' },
  sourcemap: "linked",
  legalComments: "linked",
  logLevel: "warning",
});
chmodSync(path.join(out, "main.js"), 0o755);
