import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import S3rver from "s3rver";

/** A real S3 REST server (s3rver) on loopback with one bucket; credentials S3RVER/S3RVER. */
export interface LocalS3 {
  endpoint: string;
  port: number;
  bucket: string;
  /** Where s3rver keeps the objects (tests corrupt them here). */
  dir: string;
  /** The `remote:` block of a config using this server. */
  remote(prefix: string): { url: string; endpoint: string; region: string; forcePathStyle: boolean };
  stop(): Promise<void>;
  /** Starts again on the same port and folder (after stop). */
  start(): Promise<void>;
  close(): Promise<void>;
}

/** The SDK's standard chain reads these; s3rver accepts them. */
export function s3Credentials(): void {
  process.env.AWS_ACCESS_KEY_ID = "S3RVER";
  process.env.AWS_SECRET_ACCESS_KEY = "S3RVER";
}

export async function startS3(bucket = "nb-test"): Promise<LocalS3> {
  s3Credentials();
  const dir = mkdtempSync(path.join(os.tmpdir(), "nb-s3-"));
  let port = 0;
  let server: S3rver | undefined;
  const start = async () => {
    server = new S3rver({ port, address: "127.0.0.1", silent: true, directory: dir, configureBuckets: [{ name: bucket }] });
    port = (await server.run()).port;
  };
  await start();
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    port,
    bucket,
    dir,
    remote: (prefix) => ({ url: `s3://${bucket}/${prefix}`, endpoint, region: "us-east-1", forcePathStyle: true }),
    start,
    stop: async () => {
      await server?.close();
      server = undefined;
    },
    close: async () => {
      await server?.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
