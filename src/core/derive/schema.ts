import { z } from "zod";

/** Formats a derived file can be written in (the generated image itself is png, jpeg or webp). */
export const DERIVED_FORMATS = ["png", "jpeg", "webp", "avif"] as const;
export type DerivedFormat = (typeof DERIVED_FORMATS)[number];

export const FITS = ["cover", "contain", "inside"] as const;
export const FOCUS = ["attention", "centre"] as const;

const side = z.number().int().min(1).max(16384);

/** One derived output: a local image pipeline on the generated image (run with sharp, at $0). */
export const DeriveEntrySchema = z
  .strictObject({
    width: side.optional().describe("Width in pixels. The file is named <name>-<width>w.<ext> unless `name` is set."),
    height: side.optional().describe("Height in pixels."),
    fit: z
      .enum(FITS)
      .optional()
      .describe(
        "How the image fits width × height: cover (fill, cropping the overflow), contain (letterbox with padColor) or inside (keep the ratio, never larger than the box). Default: cover with both sides, inside with one.",
      ),
    crop: z
      .string()
      .regex(/^[1-9]\d*:[1-9]\d*$/, 'an aspect ratio such as "1:1" or "4:5"')
      .optional()
      .describe('Crop to this aspect ratio (e.g. "1:1") before resizing.'),
    focus: z.enum(FOCUS).optional().describe("What a crop keeps: attention (the most salient region) or centre (default centre)."),
    trim: z.boolean().optional().describe("Trim the border that has the colour of the top-left pixel (first step of the pipeline)."),
    pad: z.number().int().min(0).max(4096).optional().describe("Pixels of padColor added on every side (last geometric step)."),
    padColor: z
      .string()
      .regex(/^(#[0-9a-fA-F]{6}|#[0-9a-fA-F]{8}|transparent)$/, "#rrggbb, #rrggbbaa or transparent")
      .optional()
      .describe("Colour of pad and of contain's letterbox: #rrggbb, #rrggbbaa or transparent (default transparent, white for jpeg)."),
    format: z.enum(DERIVED_FORMATS).optional().describe("Output format: png, jpeg, webp or avif (default: the generated image's)."),
    quality: z.number().int().min(1).max(100).optional().describe("Encoder quality 1-100 (jpeg, webp, avif; default the encoder's)."),
    name: z
      .string()
      .regex(/^[A-Za-z0-9][\w.-]*$/, "letters, digits, ., _ and -")
      .optional()
      .describe("File name suffix: <name>-<suffix>.<ext> instead of <name>-<width>w.<ext>."),
  })
  .describe("A derived file made locally from the generated image: resize, crop, trim, pad, re-encode.");
export type DeriveEntry = z.infer<typeof DeriveEntrySchema>;

export const DeriveField = z
  .array(DeriveEntrySchema)
  .describe(
    "Derived files made from the generated image with a local pipeline (no generation, no charge). An asset's list replaces the defaults' list; `[]` switches it off.",
  );
