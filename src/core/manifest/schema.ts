import { z } from "zod";
import { ASPECT_RATIOS, FORMATS, RESOLUTIONS } from "../catalog/models.js";
import { NormalizeSchema, ReferencesField } from "../references/schema.js";
import { SettingsSchema, altField, candidatesField, enumOrTemplate, modelField, webSearchField } from "../config/settings-schema.js";
import { DeriveField } from "../derive/schema.js";
import { GatesSchema } from "../gates/schema.js";
import { CellsField, GridField } from "../grid/grid.js";
import { BackgroundField } from "../matte/schema.js";

const scalar = z.union([z.string(), z.number(), z.boolean()]);
const varName = z.string().regex(/^[A-Za-z_][\w-]*$/, "variable names use letters, digits, _ and -");
const matrixValue = z
  .union([scalar, z.record(varName, scalar)])
  .describe("A value, or a mapping whose fields templates read as {{key.field}} (e.g. {{locale.code}}).");
const combination = z.record(varName, matrixValue);

/** A matrix: axes of values, plus `include` and `exclude` as in GitHub Actions. */
export const MatrixSchema = z
  .object({
    include: z
      .array(combination)
      .optional()
      .describe(
        "Combinations to add (GitHub Actions semantics): each entry's values join every combination whose axis values it does not contradict; an entry that fits none becomes a variant of its own.",
      ),
    exclude: z
      .array(combination)
      .optional()
      .describe("Combinations to leave out: a combination matching every key of an entry is dropped (a partial match is enough)."),
  })
  .catchall(z.array(matrixValue).min(1))
  .describe("Variants: every combination of these values becomes one asset; `include` and `exclude` adjust the set.");

export const AssetSchema = z
  .strictObject({
    name: z
      .string()
      .min(1)
      .describe("Asset name, unique in the project; may contain / and {{vars}}. The output file is <outDir>/<name>.<ext>."),
    prompt: z.string().min(1).optional().describe("The prompt (may use {{vars}}). Set this or template."),
    template: z
      .string()
      .optional()
      .describe(
        "Name of a template in this manifest's templates, or a {{var}} choosing one per variant (card-{{ratio}}). Set this or prompt.",
      ),
    vars: z.record(varName, scalar).optional().describe("Values for {{vars}} in this asset."),
    matrix: MatrixSchema.optional(),
    brand: z.string().optional().describe("Brand from the config (or `none`) wrapped around the prompt."),
    model: modelField.optional(),
    resolution: enumOrTemplate(RESOLUTIONS, "Output resolution class.").optional(),
    aspectRatio: enumOrTemplate(ASPECT_RATIOS, "Aspect ratio.").optional(),
    format: enumOrTemplate(FORMATS, "Output file format.").optional(),
    seed: z.union([z.number(), z.string()]).optional().describe("Seed: a whole number from 0 to 2147483647, or a {{var}}."),
    webSearch: webSearchField.optional(),
    references: ReferencesField.optional(),
    normalize: NormalizeSchema.optional(),
    out: z.string().min(1).optional().describe("Output path relative to outDir, overriding <name>.<ext>; may use {{vars}}."),
    derive: DeriveField.optional(),
    alt: altField.optional(),
    gates: GatesSchema.optional(),
    candidates: candidatesField.optional(),
    grid: GridField.optional(),
    cells: CellsField.optional(),
    background: BackgroundField.optional(),
  })
  .refine((a) => (a.prompt === undefined) !== (a.template === undefined), {
    message: "set exactly one of prompt or template",
  })
  .describe("One asset, or a family of variants when it has a matrix.");
export type AssetInput = z.infer<typeof AssetSchema>;

export const ManifestSchema = z
  .strictObject({
    $schema: z.string().optional().describe("JSON Schema reference for editors."),
    brand: z.string().optional().describe("Brand applied to every asset of this manifest (an asset may say `brand: none`)."),
    defaults: SettingsSchema.optional().describe("Settings for every asset of this manifest."),
    templates: z.record(z.string(), z.string().min(1)).optional().describe("Named prompt templates with {{vars}}."),
    vars: z.record(varName, scalar).optional().describe("Values for {{vars}} shared by every asset of this manifest."),
    assets: z.array(AssetSchema).min(1).describe("The assets this manifest describes."),
  })
  .describe("A manifest: the images one part of the project needs.");
export type Manifest = z.infer<typeof ManifestSchema>;
