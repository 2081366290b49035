import { z } from "zod";

const text = (what: string) => z.string().min(1).describe(`${what}; may use {{vars}}.`);

/** One entry of an asset's `references:`. */
export const ReferenceSchema = z
  .union([
    text("A local image file (relative to this manifest) or an https:// URL"),
    z
      .strictObject({ file: text("A local image file (jpeg, png or webp), relative to this manifest") })
      .describe("A local reference image."),
    z.strictObject({ url: text("An https:// URL of a jpeg, png or webp image") }).describe("A reference image on the web."),
    z
      .strictObject({ asset: text("The name of another asset; its output image is the reference, and it is built first") })
      .describe("Another asset's output as the reference."),
  ])
  .describe("A reference image: a file path or https URL string, or {file}, {url} or {asset}.");
export type ReferenceInputSpec = z.infer<typeof ReferenceSchema>;

export const ReferencesField = z
  .array(ReferenceSchema)
  .min(1)
  .describe(
    "Reference images for an edit: local files, https URLs and other assets. An asset with references uses the model's edit variant.",
  );

/** How local reference files are prepared before they are hashed and sent. */
export const NormalizeSchema = z
  .strictObject({
    maxSide: z
      .number()
      .int()
      .min(64)
      .max(8192)
      .optional()
      .describe("Shrink local reference images so that their longer side is at most this many pixels (never enlarged)."),
    stripMetadata: z.boolean().optional().describe("Drop EXIF/XMP/ICC metadata (camera, GPS) from local reference images before sending."),
  })
  .describe("Prepare local reference images with sharp before they are hashed and sent, e.g. { maxSide: 2048, stripMetadata: true }.");
export type NormalizeOptions = z.infer<typeof NormalizeSchema>;
