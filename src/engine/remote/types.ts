import type { LockEntry } from "../../core/lock/types.js";

/** Where an image restored at no charge came from. */
export type RestoreSource = "lockfile output" | "local store" | "remote";

/** Why an object in the remote was not used. */
export type RemoteProblem = { hash: string; message: string };

/**
 * A shared store of collected images, content-addressed by spec hash (see README, "Remote
 * store"). Objects are written once and verified (sha256) on every read: a corrupt or
 * mismatched object is reported through `onProblem` and treated as absent.
 */
export interface RemoteStore {
  /** Human form of the location, e.g. s3://bucket/prefix (no credentials). */
  readonly location: string;
  /** True when the remote holds an image for this spec hash and kind of build (one HEAD). */
  has(hash: string, simulated: boolean): Promise<boolean>;
  /**
   * Downloads the image of `hash` to `dest` (atomically) after checking its sha256 against
   * its metadata (and `expectSha256` when given). Undefined when absent or corrupt.
   */
  fetch(hash: string, simulated: boolean, dest: string, expectSha256?: string): Promise<LockEntry | undefined>;
  /** Uploads the image at `file` under its entry's spec hash; "present" when it was already there. */
  push(entry: LockEntry, file: string): Promise<"pushed" | "present">;
  /** An http(s) GET URL for these bytes valid `seconds` (uploaded once under their sha256). */
  presign(data: Buffer, sha256: string, mimeType: string, seconds: number): Promise<string>;
  /** Requests sent so far (HEAD, GET, PUT), for tests and benchmarks. */
  readonly requests: number;
  close(): void;
}

export class RemoteError extends Error {}
