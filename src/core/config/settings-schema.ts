import { z } from "zod";
import { ASPECT_RATIOS, FORMATS, MODEL_FAMILIES, RESOLUTIONS } from "../catalog/models.js";
import { NormalizeSchema } from "../references/schema.js";
import { DeriveField } from "../derive/schema.js";
import { GatesSchema } from "../gates/schema.js";
import { BackgroundField } from "../matte/schema.js";

const TEMPLATE = /\{\{\s*[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)?\s*\}\}/;

/** A string that is one of `values`, or contains a `{{var}}` filled in per variant. */
export function enumOrTemplate(values: readonly string[], description: string) {
  return z
    .string()
    .refine((v) => values.includes(v) || TEMPLATE.test(v), { message: `is not one of ${values.join(", ")}` })
    .describe(`${description} One of: ${values.join(", ")}; or a {{var}} filled from vars/matrix.`);
}

export const modelField = z
  .string()
  .describe(
    "Model family: nano-banana (cheapest), nano-banana-2 (fast, default choice) or nano-banana-pro (finals). Google model ids are accepted too.",
  );
export const resolutionField = z
  .enum(RESOLUTIONS)
  .describe("Output resolution class: 0.5K, 1K, 2K or 4K (what each model takes depends on the provider).");
export const aspectRatioField = z
  .enum(ASPECT_RATIOS)
  .describe("Aspect ratio, e.g. 1:1, 16:9, 21:9 (4:1, 1:4, 8:1, 1:8 on nano-banana-2 only).");
export const formatField = z.enum(FORMATS).describe("Output file format: png, jpeg or webp.");
export const seedField = z
  .number()
  .int()
  .min(0)
  .max(2 ** 31 - 1)
  .describe("Seed for reproducible generations, where the provider takes one.");
export const webSearchField = z.boolean().describe("Ground the image in Google web search (model and provider permitting).");
export const candidatesField = z
  .number()
  .int()
  .min(1)
  .max(16)
  .describe(
    "Takes to generate (1 to 16), differing only by seed, each billed: `<name>.take-K` writes `<out>.take-K.<ext>`; the asset's output is a copy of take 1 until `nanobanana pick NAME K`.",
  );
export const altField = z
  .string()
  .min(1)
  .describe(
    "Alt text of the image, may use {{vars}} (\"{{product}} on {{surface}}\"); or `auto`: the provider's text model describes the generated image (paid, a fraction of a cent; cached by the image's sha256; gemini only). An asset's own alt overrides the defaults' `auto`.",
  );

/** Settings that cascade: config defaults → brand → manifest defaults → asset → matrix values. */
export const SettingsSchema = z
  .strictObject({
    model: modelField.optional(),
    resolution: resolutionField.optional(),
    aspectRatio: aspectRatioField.optional(),
    format: formatField.optional(),
    seed: seedField.optional(),
    webSearch: webSearchField.optional(),
    normalize: NormalizeSchema.optional(),
    derive: DeriveField.optional(),
    alt: altField.optional(),
    gates: GatesSchema.optional(),
    candidates: candidatesField.optional(),
    background: BackgroundField.optional(),
  })
  .describe("Generation settings applied to every asset that does not set its own.");
export type Settings = z.infer<typeof SettingsSchema>;

export { MODEL_FAMILIES };
