// The script a developer writes without nanobanana: @google/genai pointed at the endpoint,
// p-limit(C) around generateContent, each base64 image written to disk as it comes (the model
// sends JPEG). No retries of its own beyond the client's, no journal, no lockfile.
// Usage: node bench/peers/gemini-naive.mjs BASE_URL N CONCURRENCY OUT_DIR TAG
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { GoogleGenAI } from "@google/genai";
import pLimit from "p-limit";

const [baseUrl, n, c, outDir, tag] = process.argv.slice(2);
const ai = new GoogleGenAI({ apiKey: "simulator-key", httpOptions: { baseUrl } });
const limit = pLimit(Number(c));
mkdirSync(outDir, { recursive: true });
let failed = 0;
await Promise.all(
  Array.from({ length: Number(n) }, (_, i) =>
    limit(async () => {
      try {
        const r = await ai.models.generateContent({
          model: "gemini-3.1-flash-image",
          contents: `bench ${tag} image number ${i}`,
          config: { imageConfig: { aspectRatio: "1:1", imageSize: "1K" } },
        });
        const part = r.candidates?.[0]?.content?.parts?.find((p) => p.inlineData?.data);
        if (!part) throw new Error("no image");
        writeFileSync(path.join(outDir, `a${i}.jpg`), Buffer.from(part.inlineData.data, "base64"));
      } catch {
        failed++;
      }
    }),
  ),
);
console.log(JSON.stringify({ failed }));
