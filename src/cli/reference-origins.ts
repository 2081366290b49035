import { UserError } from "../core/errors/user-error.js";
import { isLoopbackOrigin } from "../engine/references/presign.js";

/** The variable naming loopback origins whose http (not https) presigned URLs a provider may get. */
export const HTTP_REFERENCE_ORIGINS = "NANOBANANA_HTTP_REFERENCE_ORIGINS";

/**
 * `NANOBANANA_HTTP_REFERENCE_ORIGINS=http://127.0.0.1:4568[,…]`: for a local S3 server (s3rver,
 * MinIO) and the simulator only. Anything but a loopback origin is refused: real providers
 * fetch references over https.
 */
export function httpReferenceOrigins(env: NodeJS.ProcessEnv): string[] | undefined {
  const raw = env[HTTP_REFERENCE_ORIGINS]?.trim();
  if (!raw) return undefined;
  const origins = raw
    .split(",")
    .map((o) => o.trim())
    .filter(Boolean);
  const bad = origins.find((o) => !isLoopbackOrigin(o));
  if (bad)
    throw new UserError(
      `${HTTP_REFERENCE_ORIGINS}: ${bad} is not a loopback origin (http://127.0.0.1:PORT, http://localhost:PORT); only a local S3 server may hand out http URLs, real providers fetch references over https`,
    );
  return origins;
}
