// The seed documents' pattern for APIDot: submit every task (p-limit(C) tasks at once), then
// poll each one's status every 5 s (or POLL_MS) until it finishes, then download the file.
// Usage: node bench/peers/apidot-poller.mjs BASE_URL N CONCURRENCY OUT_DIR TAG [POLL_MS]
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import pLimit from "p-limit";

const [baseUrl, n, c, outDir, tag, pollMs = "5000"] = process.argv.slice(2);
const headers = { authorization: "Bearer simulator-key", "content-type": "application/json" };
const limit = pLimit(Number(c));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
mkdirSync(outDir, { recursive: true });
let failed = 0;
let requests = 0;
await Promise.all(
  Array.from({ length: Number(n) }, (_, i) =>
    limit(async () => {
      requests++;
      const sub = await (
        await fetch(`${baseUrl}/api/generate/submit`, {
          method: "POST",
          headers,
          body: JSON.stringify({
            model: "nano-banana-2",
            input: { prompt: `bench ${tag} image number ${i}`, resolution: "0.5K", size: "1:1", output_format: "png" },
          }),
        })
      ).json();
      const id = sub.data.task_id;
      for (;;) {
        await sleep(Number(pollMs));
        requests++;
        const st = (await (await fetch(`${baseUrl}/api/generate/status/${id}`, { headers })).json()).data;
        if (st.status === "failed") return void failed++;
        if (st.status === "finished") {
          const file = (st.output?.files ?? st.files)[0].file_url;
          requests++;
          writeFileSync(path.join(outDir, `a${i}.png`), Buffer.from(await (await fetch(file)).arrayBuffer()));
          return;
        }
      }
    }),
  ),
);
console.log(JSON.stringify({ failed, requests }));
