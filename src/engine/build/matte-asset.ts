import { readFile } from "node:fs/promises";
import path from "node:path";
import { sha256 } from "../../core/hash.js";
import type { LockEntry } from "../../core/lock/types.js";
import { differenceMatte } from "../../core/matte/difference.js";
import type { ResolvedAsset } from "../../core/project.js";
import type { ContentStore } from "../store/content-store.js";
import { gateImage, GateRejection } from "./gate-image.js";
import { saveImage, type ImageFacts } from "./image-file.js";
import type { RunDeps } from "./run-types.js";
import { imageEntry } from "./lock-entry.js";

/** Marks a lock entry made locally by difference matting (no provider task). */
export const MATTE_TASK_ID = "local:difference-matte";

export type MatteOutcome =
  | { status: "generated"; entry: LockEntry }
  | { status: "failed"; error: string }
  /** The cut-out failed its gates (alpha, by default): kept aside, the output left as it was. */
  | { status: "rejected"; reason: string; entry: LockEntry };

/**
 * Writes a transparent asset's output: the difference matte of its two sources (their bytes
 * as its linked spec names them, from their output files or the local store), gated like any
 * generated image before it replaces the output. Local work: nothing is paid.
 */
export async function matteAsset(
  root: string,
  asset: ResolvedAsset,
  sourceOf: (name: string) => ResolvedAsset | undefined,
  store: ContentStore,
  deps: Pick<RunDeps, "http" | "signal" | "simulated" | "keepRejected" | "now">,
): Promise<MatteOutcome> {
  const [white, black] = await Promise.all(asset.spec.references.map((r) => sourceBytes(root, r.ref, r.sha256, sourceOf, store)));
  if (typeof white === "string") return { status: "failed", error: white };
  if (typeof black === "string") return { status: "failed", error: black };
  const sharp = (await import("sharp")).default;
  const w = await sharp(white).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const { width, height } = w.info;
  // An edit may come back at another size: the black image is fitted onto the white one's pixels.
  const b = await sharp(black).removeAlpha().resize(width, height, { fit: "fill" }).raw().toBuffer({ resolveWithObject: true });
  const rgba = differenceMatte(w.data, b.data, width * height, { white: w.info.channels, black: b.info.channels });
  const encoded = await sharp(rgba, { raw: { width, height, channels: 4 } })
    .toFormat(asset.spec.format)
    .toBuffer();
  const made = {
    taskId: MATTE_TASK_ID,
    cost: { usd: 0, source: "catalog" as const },
    at: deps.now?.() ?? new Date(),
    simulated: deps.simulated,
  };
  const entryOf = (f: ImageFacts): LockEntry => imageEntry(asset, f, made);
  try {
    const facts = await saveImage(
      { data: encoded },
      path.join(root, asset.output),
      asset.spec.format,
      deps.http,
      deps.signal,
      {},
      undefined,
      (tmp, f) => gateImage(asset, tmp, f, entryOf(f), deps),
    );
    return { status: "generated", entry: entryOf(facts) };
  } catch (err) {
    if (err instanceof GateRejection) return { status: "rejected", reason: err.reasons.join("; "), entry: err.entry };
    return { status: "failed", error: `could not write the cut-out: ${(err as Error).message}` };
  }
}

/** A source's bytes, checked against the sha256 the cut-out's spec was hashed with; a sentence when there are none. */
async function sourceBytes(
  root: string,
  name: string,
  expected: string | undefined,
  sourceOf: (name: string) => ResolvedAsset | undefined,
  store: ContentStore,
): Promise<Buffer | string> {
  const source = sourceOf(name);
  if (!source || !expected || expected.startsWith("spec:")) return `${name} has no image yet; nothing to matte`;
  for (const file of [path.join(root, source.output), store.get(source.hash) && store.imagePath(source.hash)]) {
    if (!file) continue;
    const data = await readFile(file).catch(() => undefined);
    if (data && sha256(data) === expected) return data;
  }
  return `the image of ${name} (${source.output}) is missing or changed, and the local store has no copy; build again to restore or regenerate it`;
}
