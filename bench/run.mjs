// Runs every bench/*.bench.mjs in turn (or the ones named: `node bench/run.mjs throughput rpm`),
// prints each table and verdict, and exits 1 if any bench missed its target.
import { readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { report } from "./lib.mjs";

const dir = path.dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2).map((a) => a.replace(/(\.bench)?\.mjs$/, ""));
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".bench.mjs"))
  .filter((f) => wanted.length === 0 || wanted.includes(f.replace(/\.bench\.mjs$/, "")))
  .sort();
if (files.length === 0) {
  console.error(`no bench matches ${wanted.join(", ")}`);
  process.exit(2);
}
const verdicts = [];
for (const f of files) {
  const mod = await import(pathToFileURL(path.join(dir, f)).href);
  const started = Date.now();
  const r = await mod.run();
  report(r);
  verdicts.push({ bench: f, result: r.pass ? "PASS" : "FAIL", seconds: ((Date.now() - started) / 1000).toFixed(1) });
}
console.log("\n## summary");
for (const v of verdicts) console.log(`${v.result}  ${v.bench}  (${v.seconds} s)`);
process.exitCode = verdicts.every((v) => v.result === "PASS") ? 0 : 1;
