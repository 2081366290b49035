import { z } from "zod";

/**
 * Quality gates: checks run on every generated image before it is accepted (no model involved).
 * Every field is optional; the ones not set anywhere take the defaults of `resolveGates`.
 * Layers merge field by field: asset over manifest defaults over brand over config defaults.
 */
export const GatesSchema = z
  .strictObject({
    pixelSize: z
      .boolean()
      .optional()
      .describe(
        "Reject an image whose pixel size is not the model's for its resolution and aspect ratio (see README: Pixel sizes). Default false: a differing size is a warning (a far larger one is refused before decoding either way).",
      ),
    format: z
      .boolean()
      .optional()
      .describe(
        "The saved file must decode as the asked format (another format the provider sends is converted first, with a warning). Default true.",
      ),
    minStdev: z
      .number()
      .min(0)
      .max(128)
      .optional()
      .describe(
        "Blank or single-coloured check: the largest standard deviation of a colour channel (0-255 scale) must reach this. Default 2; 0 switches the check off.",
      ),
    minBytes: z.number().int().min(0).optional().describe("Smallest accepted file size in bytes (default: no lower bound)."),
    maxBytes: z.number().int().min(1).optional().describe("Largest accepted file size in bytes (default: no upper bound)."),
    alpha: z
      .boolean()
      .optional()
      .describe(
        "The image must have an alpha channel with some transparent pixels (default: true when `background: transparent`, else false).",
      ),
    minSharpness: z
      .number()
      .min(0)
      .optional()
      .describe(
        "Smallest accepted sharpness: sharp's estimate (standard deviation of a Laplacian of the greyscale image). Default: not checked.",
      ),
  })
  .describe(
    "Quality gates run on every generated image before it is accepted. An image that fails one ends its asset `rejected`: the paid image is kept in .nanobanana/store/rejected, the previous output is left alone, and no build pays for that spec again unless asked (`build --retry-rejected`).",
  );
export type Gates = z.infer<typeof GatesSchema>;
