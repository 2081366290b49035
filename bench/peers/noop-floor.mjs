// The physical floor of a no-op build: start node, read and JSON.parse the lockfile, stat
// every output it names. Nothing a no-op build does can be cheaper.
// Usage: node bench/peers/noop-floor.mjs PROJECT_DIR
import { readFileSync, statSync } from "node:fs";
import path from "node:path";

const [root] = process.argv.slice(2);
const lock = JSON.parse(readFileSync(path.join(root, "nanobanana.lock"), "utf8"));
let present = 0;
for (const entry of Object.values(lock.assets)) {
  try {
    if (statSync(path.join(root, entry.output)).isFile()) present++;
  } catch {}
}
console.log(JSON.stringify({ entries: Object.keys(lock.assets).length, present }));
