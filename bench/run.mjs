// Runs every bench/*.bench.mjs (or those named: `npm run bench -- noop watch`) and prints
// each one's table; exits 1 when any target is missed.
import { readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith(".bench.mjs"))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.startsWith(w)))
  .sort();
let failed = 0;
for (const f of files) {
  console.log(`\n## ${f}`);
  const mod = await import(pathToFileURL(path.join(here, f)).href);
  try {
    const rows = await mod.run();
    console.table(rows);
    failed += rows.filter((r) => r.result === "FAIL").length;
  } catch (err) {
    console.error(`${f} failed: ${err.stack ?? err}`);
    failed++;
  }
}
console.log(failed ? `\n${failed} target(s) missed` : "\nall targets met");
process.exitCode = failed ? 1 : 0;
