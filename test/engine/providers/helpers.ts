import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import sharp from "sharp";
import { request } from "undici";
import { HttpClient } from "../../../src/engine/transport/client.js";
import { ProviderRuntime } from "../../../src/engine/providers/runtime.js";
import type { ImageOutput, ImageRequest, ProviderDefinition, TaskStatus } from "../../../src/engine/providers/types.js";
import type { Simulator } from "../../../src/simulator/server.js";
import { tempDir } from "../../helpers/temp-dir.js";

/** A key the tests can grep for: it must never show up in an error or the lockfile. */
export const SECRET = "sk-test-SECRET-4f9a7c21";
/** The simulator rejects keys starting with `invalid`. */
export const BAD_KEY = "invalid-key-SECRET-77e1";

export function connectTo(
  def: ProviderDefinition,
  sim: Simulator,
  apiKey = SECRET,
  maxRetries = 0,
): { provider: ProviderRuntime; http: HttpClient } {
  const http = new HttpClient({ retry: { maxRetries, baseDelayMs: 10 } });
  // Through the runtime, as a build drives it: costs filled in, messages scrubbed.
  const provider = new ProviderRuntime(def, def.create({ baseUrl: sim.url, apiKey, http, settings: {} }), { secrets: [apiKey] });
  return { provider, http };
}

export function request1(over: Partial<ImageRequest> & Pick<ImageRequest, "model" | "modelId">): ImageRequest {
  return {
    prompt: "a ripe banana on a blue plate",
    resolution: "1K",
    aspectRatio: "1:1",
    format: "png",
    webSearch: false,
    references: [],
    ...over,
  };
}

/** Submits and polls (a few ms apart) until the task ends. */
export async function run(provider: ProviderRuntime, req: ImageRequest): Promise<{ taskId: string; status: TaskStatus; polls: number }> {
  const sub = await provider.submit(req);
  let status = sub.status;
  let polls = 0;
  while (!status || status.state === "pending") {
    await new Promise((r) => setTimeout(r, 15));
    status = await provider.status(sub, req);
    polls++;
  }
  return { taskId: sub.taskId, status, polls };
}

/** The bytes of an output (downloaded when it is a URL) and what sharp reads in them. */
export async function decode(out: ImageOutput): Promise<{ bytes: Buffer; format?: string; width?: number; height?: number }> {
  let bytes: Buffer;
  if (out.data) bytes = Buffer.from(out.data);
  else {
    const res = await request(out.url!);
    if (res.statusCode !== 200) throw new Error(`download ${res.statusCode}`);
    bytes = Buffer.from(await res.body.arrayBuffer());
  }
  const meta = await sharp(bytes).metadata();
  return { bytes, format: meta.format, width: meta.width, height: meta.height };
}

/** A temp project written inline: config + one manifest. Returns its root (removed when the test is done). */
export function tempProject(config: string, manifest: string): string {
  const root = tempDir("nb-prov-");
  mkdirSync(path.join(root, "assets"));
  writeFileSync(path.join(root, "nanobanana.config.yaml"), config);
  writeFileSync(path.join(root, "assets", "a.yaml"), manifest);
  return root;
}

/** A project building `provider` against the running simulator with a real-looking key. */
export function projectOn(provider: string, sim: Simulator, manifest: string, extra = ""): { root: string; env: NodeJS.ProcessEnv } {
  const config = [
    `provider: ${provider}`,
    "simulate: false",
    "concurrency: 4",
    'defaults: { resolution: 1K, aspectRatio: "1:1", format: png }',
    "providers:",
    `  ${provider}: { baseUrl: "${sim.url}", apiKeyEnv: TEST_PROVIDER_KEY, pollIntervalMs: 20, maxRetries: 0 }`,
    extra,
  ].join("\n");
  return { root: tempProject(config, manifest), env: { TEST_PROVIDER_KEY: SECRET } };
}
