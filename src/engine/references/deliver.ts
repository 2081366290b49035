import { readFileSync } from "node:fs";
import path from "node:path";
import type { HttpClient } from "../transport/client.js";
import { HttpError, redactUrl } from "../transport/errors.js";
import type { ReferenceSpec, ResolvedAsset } from "../../core/project.js";
import { needsUrl } from "../../core/references/needs-url.js";
import type { ReferenceInput } from "../providers/types.js";
import type { ReferencePolicy } from "../../core/references/policy.js";
import { prepareFile, type PreparedImage } from "./prepare.js";
import type { ResultUrls } from "./result-urls.js";
import { sniffImageType } from "../../core/references/sniff.js";
import { refusePrivateHost, type Resolve } from "./host-check.js";

export interface DeliveryDeps {
  provider: string;
  policy: ReferencePolicy;
  root: string;
  stateDir: string;
  /** The one transport: checks, fetches and uploads go through its retry policy and size cap. */
  http: HttpClient;
  urls: ResultUrls;
  /** Output path (project-relative) of every asset, for `{asset}` references. */
  outputs: Map<string, string>;
  /** The simulator's origin on a simulated build: local bytes are uploaded to it. */
  simulatorUrl?: string;
  /**
   * With a remote on a real build: local bytes (files, upstream outputs) become a presigned
   * GET URL of the remote, valid for the task's life. Never recorded anywhere.
   */
  presign?: (img: PreparedImage) => Promise<string>;
  signal?: AbortSignal;
  /** Fetch https references on loopback, private, link-local or unique-local hosts (config references.allowPrivateHosts). */
  allowPrivateHosts?: boolean;
  /** The resolver host checks use (default: every address dns.lookup gives). */
  resolve?: Resolve;
}

/**
 * Turns an asset's references into what its provider takes: bytes for inline providers,
 * URLs for the others (an https reference as is; a local file or upstream output by a
 * presigned URL of the remote when one is configured, else by a result URL that is still
 * valid, or an upload to the simulator on a simulated build). Every other URL is
 * checked (https, reachable, an image) before the paid submit, and an https reference is
 * fetched only when no address of its host is private (unless the config allows it). Throws a plain message when a
 * reference cannot be delivered; nothing has been paid for then.
 */
export class ReferenceDelivery {
  private readonly checked = new Map<string, Promise<void>>();
  private readonly uploads = new Map<string, Promise<string>>();
  private readonly hosts = new Map<string, Promise<void>>();

  constructor(private readonly deps: DeliveryDeps) {}

  inputsFor(asset: ResolvedAsset): Promise<ReferenceInput[]> {
    return Promise.all(asset.spec.references.map((r) => this.one(r, asset)));
  }

  private async one(r: ReferenceSpec, asset: ResolvedAsset): Promise<ReferenceInput> {
    const { policy, simulatorUrl } = this.deps;
    if (r.kind === "url") {
      if (policy.input === "inline") {
        await this.publicHost(r.url!, asset);
        return this.download(r.url!);
      }
      if (!simulatorUrl) {
        await this.publicHost(r.url!, asset);
        await this.check(r.url!);
      }
      return { url: r.url };
    }
    const img = await this.bytes(r);
    if (policy.input === "inline") return { data: img.data, mimeType: img.mimeType };
    if (simulatorUrl) return { url: await this.upload(img) };
    if (this.deps.presign) return { url: await this.deps.presign(img) };
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
        const res = await this.deps.http
          .bytes({
            method: "POST",
            url: `${this.deps.simulatorUrl}/__simulator/uploads`,
            body: img.data,
            contentType: img.mimeType,
            signal: this.deps.signal,
            what: "reference upload",
          })
          .catch((err: Error) => {
            throw new Error(`the simulator refused the reference upload (${err.message})`);
          });
        const url = (JSON.parse(res.data.toString("utf8") || "{}") as { url?: string }).url;
        if (!url) throw new Error(`the simulator refused the reference upload (HTTP ${res.status}, no url)`);
        return url;
      })();
      this.uploads.set(img.sha256, p);
      p.catch(() => this.uploads.delete(img.sha256));
    }
    return p;
  }

  /** Before the first request to a reference's host: none of its addresses is private (once per URL per build). */
  private async publicHost(url: string, asset: ResolvedAsset): Promise<void> {
    if (this.deps.allowPrivateHosts || !url.startsWith("https://")) return;
    let p = this.hosts.get(url);
    if (!p) {
      p = refusePrivateHost(url, this.deps.resolve);
      this.hosts.set(url, p);
    }
    await p.catch((err: Error) => {
      throw new Error(`${asset.source.file}:${asset.source.line}: ${err.message}; nothing was submitted`);
    });
  }

  /** https only, reachable, an image: checked once per URL per build. */
  private check(url: string): Promise<void> {
    let p = this.checked.get(url);
    if (!p) {
      p = checkUrl(url, this.deps.http, this.deps.signal, !this.deps.allowPrivateHosts);
      this.checked.set(url, p);
    }
    return p;
  }

  private async download(url: string): Promise<ReferenceInput> {
    if (!url.startsWith("https://")) throw new Error(`reference ${redactUrl(url)} is not https`);
    const res = await this.deps.http
      .bytes({
        method: "GET",
        url,
        signal: this.deps.signal,
        maxBytes: this.deps.policy.maxBytes,
        what: "reference image",
        publicHostsOnly: !this.deps.allowPrivateHosts,
      })
      .catch((err: unknown) => {
        if (err instanceof HttpError && err.info.code === "too_large")
          throw new Error(`reference ${redactUrl(url)} is larger than ${this.deps.provider} takes`);
        if (err instanceof HttpError && err.status !== undefined)
          throw new Error(`reference ${redactUrl(url)} answered HTTP ${err.status}`);
        throw err;
      });
    const mime = sniffImageType(res.data.subarray(0, 16));
    if (!mime) throw new Error(`reference ${redactUrl(url)} answered HTTP ${res.status} without a jpeg, png or webp image`);
    return { data: res.data, mimeType: mime };
  }
}

async function checkUrl(url: string, http: HttpClient, signal?: AbortSignal, publicHostsOnly = false): Promise<void> {
  const shown = redactUrl(url);
  if (!url.startsWith("https://")) throw new Error(`reference ${shown} is not an https URL; providers fetch references over https only`);
  const probe = (method: "HEAD" | "GET") =>
    http.bytes({
      method,
      url,
      signal,
      timeoutMs: 15_000,
      headers: method === "GET" ? { range: "bytes=0-15" } : undefined,
      maxBytes: 64 * 1024,
      what: "reference check",
      publicHostsOnly,
    });
  let headers: Record<string, string | string[] | undefined>;
  try {
    headers = (
      await probe("HEAD").catch((err: unknown) => {
        // Some hosts refuse HEAD: ask for the first bytes instead.
        if (err instanceof HttpError && (err.status === 405 || err.status === 403)) return probe("GET");
        throw err;
      })
    ).headers;
  } catch (err) {
    if (err instanceof HttpError && err.status !== undefined)
      throw new Error(`reference ${shown} answered HTTP ${err.status}; nothing was submitted`);
    throw new Error(`reference ${shown} is not reachable (${(err as Error).message}); nothing was submitted`);
  }
  const type = String(headers["content-type"] ?? "");
  if (type && !/^image\/(jpeg|jpg|png|webp)\b/i.test(type) && !/octet-stream/i.test(type))
    throw new Error(`reference ${shown} is ${type}, not a jpeg, png or webp image; nothing was submitted`);
}
