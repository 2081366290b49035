import { readFileSync } from "node:fs";
import path from "node:path";
import type { Dispatcher } from "undici";

/** undici, loaded on first use: a no-op build never needs it. */
const request: typeof import("undici").request = async (...args) => (await import("undici")).request(...args);
import { redactUrl } from "../transport/errors.js";
import type { ReferenceSpec, ResolvedAsset } from "../../core/project.js";
import { needsUrl } from "../../core/references/needs-url.js";
import type { ReferenceInput } from "../providers/types.js";
import type { ReferencePolicy } from "../../core/references/policy.js";
import { prepareFile, type PreparedImage } from "./prepare.js";
import type { ResultUrls } from "./result-urls.js";
import { sniffImageType } from "../../core/references/sniff.js";

export interface DeliveryDeps {
  provider: string;
  policy: ReferencePolicy;
  root: string;
  stateDir: string;
  dispatcher: Dispatcher;
  urls: ResultUrls;
  /** Output path (project-relative) of every asset, for `{asset}` references. */
  outputs: Map<string, string>;
  /** The simulator's origin on a simulated build: local bytes are uploaded to it. */
  simulatorUrl?: string;
  signal?: AbortSignal;
}

/**
 * Turns an asset's references into what its provider takes: bytes for inline providers,
 * URLs for the others (an https reference as is; a local file or upstream output by a result
 * URL that is still valid, or an upload to the simulator on a simulated build). Every URL is
 * checked (https, reachable, an image) before the paid submit. Throws a plain message when a
 * reference cannot be delivered; nothing has been paid for then.
 */
export class ReferenceDelivery {
  private readonly checked = new Map<string, Promise<void>>();
  private readonly uploads = new Map<string, Promise<string>>();

  constructor(private readonly deps: DeliveryDeps) {}

  inputsFor(asset: ResolvedAsset): Promise<ReferenceInput[]> {
    return Promise.all(asset.spec.references.map((r) => this.one(r)));
  }

  private async one(r: ReferenceSpec): Promise<ReferenceInput> {
    const { policy, simulatorUrl } = this.deps;
    if (r.kind === "url") {
      if (policy.input === "inline") return this.download(r.url!);
      if (!simulatorUrl) await this.check(r.url!);
      return { url: r.url };
    }
    const img = await this.bytes(r);
    if (policy.input === "inline") return { data: img.data, mimeType: img.mimeType };
    if (simulatorUrl) return { url: await this.upload(img) };
    const known = this.deps.urls.get(img.sha256);
    if (!known) throw new Error(needsUrl(r, this.deps.provider));
    await this.check(known.url);
    return { url: known.url };
  }

  private async bytes(r: ReferenceSpec): Promise<PreparedImage> {
    if (r.kind === "file") return prepareFile(path.resolve(this.deps.root, r.ref), r.normalize, this.deps.stateDir);
    if (!r.sha256 || r.sha256.startsWith("spec:"))
      throw new Error(`upstream asset ${r.ref} has not been built (build it too: drop --only, or add it)`);
    const out = this.deps.outputs.get(r.ref);
    const data = out ? readFileSync(path.join(this.deps.root, out)) : undefined;
    const mime = data && sniffImageType(data.subarray(0, 16));
    if (!data || !mime) throw new Error(`the output of upstream asset ${r.ref} is missing or not an image`);
    return { data, mimeType: mime, sha256: r.sha256 };
  }

  /** POST /__simulator/uploads: the simulator hosts the bytes, as a provider's file API would. */
  private upload(img: PreparedImage): Promise<string> {
    let p = this.uploads.get(img.sha256);
    if (!p) {
      p = (async () => {
        const res = await request(`${this.deps.simulatorUrl}/__simulator/uploads`, {
          method: "POST",
          body: img.data,
          headers: { "content-type": img.mimeType },
          dispatcher: this.deps.dispatcher,
          signal: this.deps.signal,
        });
        const body = (await res.body.json()) as { url?: string };
        if (res.statusCode !== 200 || !body.url) throw new Error(`the simulator refused the reference upload (HTTP ${res.statusCode})`);
        return body.url;
      })();
      this.uploads.set(img.sha256, p);
      p.catch(() => this.uploads.delete(img.sha256));
    }
    return p;
  }

  /** https only, reachable, an image: checked once per URL per build. */
  private check(url: string): Promise<void> {
    let p = this.checked.get(url);
    if (!p) {
      p = checkUrl(url, this.deps.dispatcher, this.deps.signal);
      this.checked.set(url, p);
    }
    return p;
  }

  private async download(url: string): Promise<ReferenceInput> {
    if (!url.startsWith("https://")) throw new Error(`reference ${redactUrl(url)} is not https`);
    const res = await request(url, { method: "GET", dispatcher: this.deps.dispatcher, signal: this.deps.signal });
    const data = Buffer.from(await res.body.arrayBuffer());
    const mime = sniffImageType(data.subarray(0, 16));
    if (res.statusCode >= 300 || !mime)
      throw new Error(`reference ${redactUrl(url)} answered HTTP ${res.statusCode}${mime ? "" : " without a jpeg, png or webp image"}`);
    if (data.length > this.deps.policy.maxBytes) throw new Error(`reference ${redactUrl(url)} is larger than ${this.deps.provider} takes`);
    return { data, mimeType: mime };
  }
}

async function checkUrl(url: string, dispatcher: Dispatcher, signal?: AbortSignal): Promise<void> {
  const shown = redactUrl(url);
  if (!url.startsWith("https://")) throw new Error(`reference ${shown} is not an https URL; providers fetch references over https only`);
  let res: Dispatcher.ResponseData;
  try {
    res = await request(url, { method: "HEAD", dispatcher, signal, headersTimeout: 15_000 });
    await res.body.dump();
    if (res.statusCode === 405 || res.statusCode === 403) {
      res = await request(url, { method: "GET", headers: { range: "bytes=0-15" }, dispatcher, signal, headersTimeout: 15_000 });
      await res.body.dump();
    }
  } catch (err) {
    throw new Error(`reference ${shown} is not reachable (${(err as Error).message}); nothing was submitted`);
  }
  if (res.statusCode >= 300) throw new Error(`reference ${shown} answered HTTP ${res.statusCode}; nothing was submitted`);
  const type = String(res.headers["content-type"] ?? "");
  if (type && !/^image\/(jpeg|jpg|png|webp)\b/i.test(type) && !/octet-stream/i.test(type))
    throw new Error(`reference ${shown} is ${type}, not a jpeg, png or webp image; nothing was submitted`);
}
