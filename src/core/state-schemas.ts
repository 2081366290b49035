import path from "node:path";
import { z } from "zod";
import { ASPECT_RATIOS, FORMATS, MODEL_FAMILIES, RESOLUTIONS } from "./catalog/models.js";
import { PROVIDER_NAMES } from "./catalog/provider-names.js";

/**
 * Schemas of what nanobanana reads back from disk: lock entries, the task journal, the batch
 * job journal, store sidecars. These files are ours, but anyone can edit them (a merge, a hand,
 * an attacker's pull request), so nothing read from them is trusted: a spec hash names files, so
 * it must be hex and nothing else; a path must stay inside its folder.
 *
 * Lock entries are strict (a typo in a committed file is an error), and so are batch journal
 * records (every field is used, to name files, build URLs or write lock entries). The task
 * journal and store files are local state another nanobanana version may have written with more
 * fields: those pass through, while every field we use is checked.
 */

/** A spec hash: hex only, so it can never name a path (`../../victim`). */
export const SpecHashSchema = z
  .string()
  .regex(/^[0-9a-f]{16,64}$/, "is not a spec hash (16 to 64 lowercase hex digits)")
  .describe("Spec hash: sha256 hex of what changes the image.");

/** True when `rel` is a relative path that stays inside the folder it is relative to. */
export function staysInside(rel: string): boolean {
  if (!rel || path.isAbsolute(rel) || path.win32.isAbsolute(rel) || rel.includes("\0")) return false;
  const norm = path.posix.normalize(rel.replace(/\\/g, "/"));
  return norm !== ".." && !norm.startsWith("../") && norm !== ".";
}

/** A project-relative file path that cannot leave the project. */
export const ProjectPathSchema = z
  .string()
  .refine(staysInside, "must be a path inside the project (relative, no `..` leaving it)")
  .describe("A file path relative to the project root.");

export { isInsideFolder } from "./inside-folder.js";

export const CostSchema = z
  .object({
    usd: z.number().nonnegative().finite().describe("Cost in US dollars."),
    credits: z.number().nonnegative().finite().optional().describe("Provider credits, when it bills in credits."),
    tokens: z.number().nonnegative().finite().optional().describe("Billed tokens, when it bills by tokens."),
    source: z.enum(["provider", "usage", "catalog", "config"]).describe("Where the figure comes from."),
  })
  .strict()
  .describe("What an image cost.");

/** A reference image of a spec (core/spec.ts ReferenceSpec); `strict` refuses unknown fields. */
function referenceSchema(strict: boolean) {
  const normalize = z.object({
    maxSide: z.number().optional().describe("Longest side after resizing."),
    stripMetadata: z.boolean().optional().describe("Metadata removed."),
  });
  const reference = z.object({
    kind: z.enum(["file", "url", "asset"]).describe("What the reference is."),
    ref: z.string().describe("File path, URL or upstream asset name."),
    sha256: z.string().optional().describe("Content hash, when known."),
    url: z.string().optional().describe("URL as sent."),
    normalize: (strict ? normalize.strict() : normalize.passthrough()).optional().describe("How a local file was prepared."),
  });
  return strict ? reference.strict() : reference.passthrough();
}

/** The resolved spec a lock entry keeps (for `plan`'s field-by-field comparison). */
export const LockedSpecSchema = z
  .object({
    prompt: z.string().optional().describe("The final prompt."),
    resolution: z.string().optional().describe("Resolution asked for."),
    aspectRatio: z.string().optional().describe("Aspect ratio asked for."),
    format: z.string().optional().describe("Image format asked for."),
    seed: z.number().optional().describe("Seed, when set."),
    webSearch: z.boolean().optional().describe("Web grounding on or off."),
    references: z.array(referenceSchema(false)).optional().describe("Reference images."),
  })
  .passthrough()
  .describe("The resolved spec of the asset when it was generated.");

/** A lock entry's hash is only compared, never made into a path; still, nothing path-like gets in. */
const LockHashSchema = z
  .string()
  .regex(/^[\w-]+$/, "is not a spec hash (letters, digits, - and _ only)")
  .describe("Spec hash: sha256 hex of what changes the image.");

export const LockEntrySchema = z
  .object({
    hash: LockHashSchema,
    provider: z.string().min(1).describe("Provider that generated the image."),
    model: z.string().min(1).describe("Model family."),
    modelId: z.string().min(1).describe("The provider's model id."),
    taskId: z.string().describe("The provider's task id."),
    output: ProjectPathSchema.describe("Output file, relative to the project root."),
    sha256: z.string().min(1).describe("sha256 of the output file (hex)."),
    bytes: z.number().int().nonnegative().describe("Size of the output file."),
    width: z.number().int().nonnegative().describe("Width in pixels."),
    height: z.number().int().nonnegative().describe("Height in pixels."),
    format: z.string().min(1).describe("Image format."),
    cost: CostSchema,
    generatedAt: z.string().describe("ISO time the image was collected."),
    batch: z.boolean().optional().describe("True when a Batch API job made it (charged at the batch price)."),
    simulated: z.boolean().optional().describe("True when the simulator made it."),
    spec: LockedSpecSchema,
    alt: z
      .object({
        text: z.string().describe("The alt text."),
        source: z.enum(["template", "auto"]).describe("Rendered from `alt:`, or described by a text model."),
        imageSha256: z.string().optional().describe("For auto: sha256 of the image that was described."),
        costUsd: z.number().nonnegative().finite().optional().describe("For auto: what the description cost."),
      })
      .strict()
      .optional()
      .describe("Alt text of the image."),
    derived: z
      .array(
        z
          .object({
            output: ProjectPathSchema.describe("Derived file, relative to the project root."),
            hash: LockHashSchema.describe("Hash of the source image and the pipeline."),
            sha256: z.string().min(1).describe("sha256 of the derived file."),
            bytes: z.number().int().nonnegative().describe("Size of the derived file."),
            width: z.number().int().nonnegative().describe("Width in pixels."),
            height: z.number().int().nonnegative().describe("Height in pixels."),
            format: z.string().min(1).describe("Image format."),
          })
          .strict(),
      )
      .optional()
      .describe("Files derived locally from the image (`derive:`)."),
  })
  .strict()
  .describe("What the lockfile records of one generated asset.");

export const LockfileSchema = z
  .object({
    version: z.number().int().min(1).describe("Lockfile format version."),
    assets: z.record(z.string(), LockEntrySchema).describe("Entries by asset name."),
    picks: z
      .record(z.string(), z.number().int().min(1))
      .optional()
      .describe("`nanobanana pick`: for an asset with `candidates: N`, the take (1 to N) its output is a copy of. Absent: take 1."),
  })
  .strict()
  .describe("nanobanana.lock");

/** A journal entry (.nanobanana/tasks/<hash>.json): a submitted, maybe paid, task. */
export const PendingTaskSchema = z
  .object({
    hash: SpecHashSchema,
    name: z.string().describe("Asset name."),
    provider: z.string().min(1).describe("Provider the task was sent to."),
    taskId: z.string().describe('The provider\'s task id; "" for an intent recorded before the submit was sent.'),
    key: z.string().optional().describe("The submit's idempotency key."),
    handle: z.string().optional().describe("Provider-specific handle for polling."),
    submittedAt: z.string().describe("ISO time of the submit."),
    simulated: z.boolean().describe("True when sent to the simulator."),
    output: ProjectPathSchema.optional().describe("The asset's output path when it was submitted."),
    spec: z.record(z.string(), z.unknown()).optional().describe("The asset's spec when it was submitted."),
    empty: z.boolean().optional().describe("The task finished (paid) with no image file: never polled or submitted again unasked."),
    collectFailures: z.number().int().nonnegative().optional().describe("Builds in a row whose download of the task's image failed."),
    lastError: z.string().optional().describe("The last collection error (scrubbed of credentials)."),
  })
  .passthrough()
  .refine((t) => t.taskId !== "" || Boolean(t.key), { message: "has neither a task id nor an idempotency key" })
  .describe("A journalled task.");

/** A provider's model id: it goes into a URL path, so letters, digits, `.`, `-`, `_` and `/` between words only. */
const ModelIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][\w.-]*(\/[\w.-]+)*$/, "is not a model id")
  .describe("The provider's model id.");

/** The spec an asset had when it went into a batch job (core/spec.ts AssetSpec), every field checked. */
export const AssetSpecSchema = z
  .object({
    provider: z.enum(PROVIDER_NAMES).describe("Provider the request was sent to."),
    prompt: z.string().describe("The final prompt."),
    references: z.array(referenceSchema(true)).describe("Reference images."),
    model: z.enum(MODEL_FAMILIES).describe("Model family."),
    modelId: ModelIdSchema,
    resolution: z.enum(RESOLUTIONS).describe("Resolution asked for."),
    aspectRatio: z.enum(ASPECT_RATIOS).describe("Aspect ratio asked for."),
    // The format names the file an image is decoded into: one of three words, nothing else.
    format: z.enum(FORMATS).describe("Image format asked for."),
    seed: z.number().int().min(0).max(2147483647).optional().describe("Seed, when set."),
    webSearch: z.boolean().describe("Web grounding on or off."),
  })
  .strict()
  .describe("The resolved spec of an asset.");

/** A batch job's display name, which also names its journal files: `nanobanana-<date>-<12 hex digits>`. */
export const BatchDisplayNameSchema = z
  .string()
  .regex(/^nanobanana-\d{4}-\d{2}-\d{2}-[0-9a-f]{12}$/, "is not a batch display name (nanobanana-YYYY-MM-DD-<12 hex digits>)")
  .describe("The job's unique display name, journalled before the create call.");

/** A batch journal file (.nanobanana/batches/<display name>.json): a job that was, or may have been, created and paid. */
export const BatchRecordSchema = z
  .object({
    displayName: BatchDisplayNameSchema,
    provider: z.literal("gemini").describe("Only Gemini has a Batch API."),
    simulated: z.boolean().describe("True when sent to the simulator."),
    modelId: ModelIdSchema,
    createdAt: z.iso.datetime().describe("ISO time the intent was recorded."),
    items: z
      .array(
        z
          .object({
            hash: SpecHashSchema.describe("The request's key: the asset's spec hash."),
            name: z.string().min(1).describe("Asset name."),
            output: ProjectPathSchema.describe("The asset's output path when the job was made."),
            spec: AssetSpecSchema,
          })
          .strict(),
      )
      .min(1)
      .describe("The job's requests."),
    fileName: z
      .string()
      .regex(/^files\/[\w-]+$/, "is not a Files API name (files/<id>)")
      .optional()
      .describe("The uploaded JSONL input (`files/…`), for file jobs."),
    jobName: z
      .string()
      .regex(/^batches\/[\w-]+$/, "is not a batch job name (batches/<id>)")
      .optional()
      .describe("`batches/…`, once the create answered or the job was found by its display name."),
  })
  .strict()
  .describe("A journalled batch job.");

/** A store sidecar (.nanobanana/store/<xx>/<hash>.json): the lock entry of a stored image, named by a real spec hash. */
export const StoredEntrySchema = LockEntrySchema.extend({ hash: SpecHashSchema }).describe("A stored image's lock entry.");

/** The first problem of a failed parse, in a few words: `hash: is not a spec hash`. */
export function firstProblem(error: z.ZodError): string {
  const iss = error.issues[0];
  const where = iss.path.map(String).join(".");
  return where ? `${where}: ${iss.message}` : iss.message;
}
