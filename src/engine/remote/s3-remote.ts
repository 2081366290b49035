import { createHash } from "node:crypto";
import { createWriteStream, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import path from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import type { RemoteConfig } from "../../core/config/schema.js";
import type { LockEntry } from "../../core/lock/types.js";
import { tempPathFor } from "../state/atomic-write.js";
import { objectKeys, parseRemoteUrl, referenceKey } from "./remote-url.js";
import type { RemoteStore } from "./types.js";

/**
 * The remote store on any S3-compatible service through `@aws-sdk/client-s3` (which keeps its
 * own HTTP stack). Credentials come from the SDK's standard chain only. Writes use
 * `If-None-Match: *`, so an object is written once; 412 means another writer was first.
 */
export class S3Remote implements RemoteStore {
  readonly location: string;
  requests = 0;
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;
  private readonly presigned = new Map<string, Promise<void>>();

  constructor(
    cfg: RemoteConfig,
    env: NodeJS.ProcessEnv,
    private readonly onProblem: (message: string) => void = () => {},
  ) {
    const { bucket, prefix } = parseRemoteUrl(cfg.url);
    this.bucket = bucket;
    this.prefix = prefix;
    this.location = `s3://${bucket}${prefix ? `/${prefix}` : ""}`;
    this.client = new S3Client({
      endpoint: cfg.endpoint,
      region: cfg.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? "us-east-1",
      forcePathStyle: cfg.forcePathStyle,
      // Streamed bodies with a content length; no trailing checksums (S3-compatible services
      // other than AWS store the chunk framing). Integrity is our sha256 on every read.
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
      maxAttempts: 3,
      // The SDK logs some retry decisions to the console unless given a logger; we report failures ourselves.
      logger: { debug() {}, info() {}, warn() {}, error() {} },
      requestHandler: { connectionTimeout: 5_000, requestTimeout: 120_000 },
    });
  }

  has(hash: string, simulated: boolean): Promise<boolean> {
    return this.exists(objectKeys(this.prefix, hash, simulated).meta);
  }

  async fetch(hash: string, simulated: boolean, dest: string, expectSha256?: string): Promise<LockEntry | undefined> {
    const keys = objectKeys(this.prefix, hash, simulated);
    let meta: LockEntry;
    try {
      const res = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: keys.meta }));
      meta = JSON.parse(await res.Body!.transformToString()) as LockEntry;
    } catch (err) {
      if (status(err) === 404) return undefined;
      if (err instanceof SyntaxError) return this.problem(hash, `metadata is not JSON`);
      throw err;
    }
    if (meta?.hash !== hash || typeof meta.sha256 !== "string" || Boolean(meta.simulated) !== simulated)
      return this.problem(hash, "metadata does not describe this spec hash");
    if (expectSha256 && meta.sha256 !== expectSha256) return this.problem(hash, "holds a different image than the lockfile names");
    mkdirSync(path.dirname(dest), { recursive: true });
    const tmp = tempPathFor(dest);
    try {
      const res = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: keys.image }));
      const h = createHash("sha256");
      let bytes = 0;
      const hashing = new Transform({
        transform(chunk: Buffer, _enc, done) {
          h.update(chunk);
          bytes += chunk.length;
          done(null, chunk);
        },
      });
      await pipeline(res.Body as NodeJS.ReadableStream, hashing, createWriteStream(tmp));
      const sha = h.digest("hex");
      if (sha !== meta.sha256 || bytes !== meta.bytes) {
        rmSync(tmp, { force: true });
        return this.problem(
          hash,
          `image sha256 ${sha.slice(0, 12)}… does not match its metadata ${meta.sha256.slice(0, 12)}… (corrupt; not used)`,
        );
      }
      renameSync(tmp, dest);
      return meta;
    } catch (err) {
      rmSync(tmp, { force: true });
      if (status(err) === 404) return this.problem(hash, "metadata without its image");
      throw err;
    }
  }

  async push(entry: LockEntry, file: string): Promise<"pushed" | "present"> {
    const keys = objectKeys(this.prefix, entry.hash, Boolean(entry.simulated));
    // In memory (images are a few MB): a buffered body can be retried by the SDK, a stream cannot.
    const bytes = readFileSync(file);
    // Image first, metadata last: a metadata object always has its image.
    const image = await this.putOnce(keys.image, () => bytes, bytes.length, "application/octet-stream");
    const { output: _output, ...meta } = entry;
    const body = Buffer.from(JSON.stringify(meta));
    const described = await this.putOnce(keys.meta, () => body, body.length, "application/json");
    return image === "present" && described === "present" ? "present" : "pushed";
  }

  async presign(data: Buffer, sha256: string, mimeType: string, seconds: number): Promise<string> {
    const key = referenceKey(this.prefix, sha256);
    let up = this.presigned.get(key);
    if (!up) {
      // Content-addressed: bytes already there (an earlier build, another machine) are not sent again.
      up = this.exists(key).then(async (there) => void (there || (await this.putOnce(key, () => data, data.length, mimeType))));
      this.presigned.set(key, up);
      up.catch(() => this.presigned.delete(key));
    }
    await up;
    // Signed locally: no request. SigV4 caps a presigned URL at 7 days.
    return getSignedUrl(this.client, new GetObjectCommand({ Bucket: this.bucket, Key: key }), {
      expiresIn: Math.min(seconds, 7 * 24 * 3600),
    });
  }

  close(): void {
    this.client.destroy();
  }

  private async putOnce(key: string, body: () => Buffer, length: number, contentType: string): Promise<"pushed" | "present"> {
    try {
      await this.s3.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: body(),
          ContentLength: length,
          ContentType: contentType,
          IfNoneMatch: "*",
        }),
      );
      return "pushed";
    } catch (err) {
      // 412: written before (content-addressed, so the same bytes); 409: a concurrent writer of the same key.
      if (status(err) === 412 || status(err) === 409) return "present";
      throw err;
    }
  }

  /** One HEAD: does the object exist? */
  private async exists(key: string): Promise<boolean> {
    try {
      await this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return true;
    } catch (err) {
      if (status(err) === 404) return false;
      throw err;
    }
  }

  /** The client, counting one request per call. */
  private get s3(): S3Client {
    this.requests++;
    return this.client;
  }

  private problem(hash: string, message: string): undefined {
    this.onProblem(`remote object ${hash.slice(0, 12)}… in ${this.location}: ${message}`);
    return undefined;
  }
}

function status(err: unknown): number | undefined {
  if (err instanceof S3ServiceException) return err.$metadata?.httpStatusCode;
  return (err as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
}
