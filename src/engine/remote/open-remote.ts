import type { Project } from "../../core/project.js";
import type { RemoteStore } from "./types.js";

export interface OpenRemoteOptions {
  /** Told about corrupt or unreadable objects (they are never used). */
  onProblem?: (message: string) => void;
  /** Environment for the region (default process.env); credentials follow the SDK's own chain. */
  env?: NodeJS.ProcessEnv;
}

/**
 * The project's remote store, or undefined when `remote:` is not configured. The AWS SDK is
 * imported only here, only then: a project without a remote never loads it.
 */
export async function openRemote(project: Project, opts: OpenRemoteOptions = {}): Promise<RemoteStore | undefined> {
  const cfg = project.config.remote;
  if (!cfg) return undefined;
  const { S3Remote } = await import("./s3-remote.js");
  return new S3Remote(cfg, opts.env ?? process.env, opts.onProblem);
}
