import { z } from "zod";
import { REMOTE_URL } from "./remote-url.js";
import { PROVIDER_NAMES } from "../catalog/provider-names.js";
import { SettingsSchema } from "./settings-schema.js";
import { CodegenSchema } from "../codegen/schema.js";

export const BrandSchema = SettingsSchema.extend({
  prefix: z.string().optional().describe("Text put before every prompt of this brand (house style)."),
  suffix: z.string().optional().describe("Text put after every prompt of this brand."),
}).describe("A brand (settings in a brand apply before manifest defaults): house-style text wrapped around prompts that use it.");

export const ProviderSettingsSchema = z
  .strictObject({
    baseUrl: z.url().optional().describe("API origin; defaults to the provider's public URL. Env NANOBANANA_<NAME>_BASE_URL overrides it."),
    apiKeyEnv: z
      .string()
      .regex(/^[A-Z_][A-Z0-9_]*$/, "must be an environment variable name")
      .optional()
      .describe("Name of the environment variable that holds the API key."),
    rpm: z
      .number()
      .positive()
      .optional()
      .describe("Requests per minute allowed by your plan; nanobanana paces itself to it (at 97%, slowing down further after a 429)."),
    concurrency: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe("Most tasks running at this provider at once (submitted and not yet finished)."),
    timeoutMs: z
      .number()
      .int()
      .min(100)
      .optional()
      .describe("Idle timeout of one request in ms: no byte for this long fails the attempt (default 60000)."),
    deadlineMs: z
      .number()
      .int()
      .min(100)
      .optional()
      .describe("Total time one request may take in ms, however steadily bytes trickle in (default 300000)."),
    maxJsonBytes: z
      .number()
      .int()
      .min(1024)
      .optional()
      .describe("Largest API answer read, in bytes (default 32 MB; gemini 160 MB for inline 4K images)."),
    maxDownloadBytes: z
      .number()
      .int()
      .min(1024)
      .optional()
      .describe("Largest image download or fetched reference, in bytes (default 100 MB)."),
    maxRetries: z.number().int().min(0).max(20).optional().describe("Retries of a transient failure per request (default 6)."),
    pollIntervalMs: z
      .number()
      .int()
      .min(10)
      .optional()
      .describe("First status poll after this many ms; later polls back off (default 1000)."),
    taskTimeoutMs: z
      .number()
      .int()
      .min(1000)
      .optional()
      .describe("Give up polling one task after this long; its id stays recorded (default 15 minutes)."),
    batchMaxRequests: z
      .number()
      .int()
      .min(1)
      .max(100_000)
      .optional()
      .describe("Batch mode (Gemini only): most requests in one batch job (default 1000); more assets make more jobs."),
    resubmitUnknown: z
      .boolean()
      .optional()
      .describe(
        "When a submit was sent but no answer came (connection reset, timeout), submit once more and report the asset as a possible duplicate charge (true, default), or fail the asset (false).",
      ),
  })
  .describe("Connection settings for one provider.");
export type ProviderSettings = z.infer<typeof ProviderSettingsSchema>;

const usd = z.number().min(0);
const perResolution = z.partialRecord(z.enum(["0.5K", "1K", "2K", "4K"]), usd);
const perModel = z.partialRecord(z.enum(["nano-banana", "nano-banana-2", "nano-banana-pro"]), perResolution);

export const SimulatorSettingsSchema = z
  .strictObject({
    latencyMs: z.number().int().min(0).optional().describe("How long each simulated task takes (default 400)."),
    url: z
      .url()
      .optional()
      .describe(
        "Use an already running simulator (`nanobanana simulator`) at this URL instead of starting one in-process; env NANOBANANA_SIMULATOR_URL overrides it. Its tasks outlive the build, like a real provider's.",
      ),
    faults: z
      .string()
      .optional()
      .describe(
        'Faults to inject and limits to enforce, e.g. "apidot.submit:429=0.2,*:reset=5%,apidot:rpm=60" (see README: the simulator\'s fault syntax).',
      ),
    seed: z.number().int().min(0).optional().describe("Seed of the fault pattern (default 1)."),
    batchLatencyMs: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe("How long a simulated Batch API job runs (default 2000): Google's hours, compressed."),
  })
  .describe("Settings of the built-in simulator used when simulate is true.");

export const BudgetSchema = z
  .strictObject({
    maxUsd: z
      .number()
      .positive()
      .describe(
        "Most USD one build may spend (listed prices). A build whose estimate is higher refuses before submitting anything; while building, money spent plus money reserved for tasks in flight never exceeds it. `--max-cost` overrides it.",
      ),
  })
  .describe("Spending limits.");

export const RemoteSchema = z
  .strictObject({
    url: z
      .string()
      .regex(REMOTE_URL, "must look like s3://bucket/prefix")
      .describe("Bucket and key prefix of the shared store, e.g. s3://my-bucket/nanobanana."),
    endpoint: z.url().optional().describe("S3 API endpoint of a non-AWS service (R2, MinIO, GCS interop); default AWS S3."),
    region: z.string().min(1).optional().describe("Region of the bucket (default: the AWS SDK's, else us-east-1)."),
    forcePathStyle: z
      .boolean()
      .optional()
      .describe("Address the bucket as endpoint/bucket instead of bucket.endpoint (MinIO and most local services need it)."),
  })
  .describe(
    "An S3-compatible store shared by a team and CI: every collected image is pushed there by spec hash, and builds, `pull` and renames restore from it at no charge. Credentials come from the AWS SDK's standard chain (env, profile, role), never from this file.",
  );
export type RemoteConfig = z.infer<typeof RemoteSchema>;

export const ConfigSchema = z
  .strictObject({
    $schema: z.string().optional().describe("JSON Schema reference for editors."),
    provider: z.enum(PROVIDER_NAMES).default("apidot").describe("Which image API builds the assets."),
    simulate: z
      .boolean()
      .default(false)
      .describe("Build against the built-in simulator (no key, no network, no cost) instead of the real API."),
    batch: z
      .boolean()
      .default(false)
      .describe(
        "Generate through Google's Batch API (provider: gemini only): half the price, results within 24 hours. For big builds nobody waits for; `--batch` sets it for one build.",
      ),
    manifests: z.array(z.string().min(1)).min(1).default(["assets/**/*.yaml"]).describe("Globs of manifest files, relative to this file."),
    outDir: z.string().min(1).default("generated").describe("Folder the images are written to, relative to this file."),
    lockfile: z.string().min(1).default("nanobanana.lock").describe("Path of the lockfile (commit it), relative to this file."),
    concurrency: z.number().int().min(1).max(256).default(4).describe("Most assets in flight at once."),
    maxVariants: z
      .number()
      .int()
      .min(1)
      .default(1_000_000)
      .describe("Most assets the manifests may expand to, counted from the matrix sizes before expanding (default 1,000,000)."),
    defaults: SettingsSchema.default({}).describe("Settings for every asset; manifests and assets override them."),
    brands: z
      .record(z.string().regex(/^[\w-]+$/, "brand names use letters, digits, _ and -"), BrandSchema)
      .default({})
      .describe("Named house styles that manifests and assets refer to with `brand:`."),
    providers: z
      .strictObject({
        apidot: ProviderSettingsSchema.optional(),
        gemini: ProviderSettingsSchema.optional(),
        fal: ProviderSettingsSchema.optional(),
        revid: ProviderSettingsSchema.optional(),
      })
      .default({})
      .describe("Per-provider connection settings."),
    prices: z
      .partialRecord(z.enum(PROVIDER_NAMES), perModel)
      .optional()
      .describe("USD per image overriding the built-in price list: prices.<provider>.<model>.<resolution>."),
    simulator: SimulatorSettingsSchema.optional(),
    budget: BudgetSchema.optional(),
    confirmAboveUsd: z
      .number()
      .nonnegative()
      .optional()
      .describe(
        "On a terminal, a build whose estimate is over this many USD asks before spending (`--yes` skips the question); without a terminal it never asks.",
      ),
    remote: RemoteSchema.optional(),
    codegen: CodegenSchema.optional(),
    references: z
      .strictObject({
        allowPrivateHosts: z
          .boolean()
          .default(false)
          .describe(
            "Fetch https references whose host resolves to a loopback, private, link-local or unique-local address (default false: refused before any request).",
          ),
      })
      .optional()
      .describe("How https reference images are fetched."),
  })
  .describe("nanobanana.config.yaml: the project's settings.");

export type Config = z.infer<typeof ConfigSchema>;
