import { z } from "zod";

export const CodegenSchema = z
  .strictObject({
    out: z
      .string()
      .regex(/\.(ts|mts|json)$/, "ends in .ts, .mts or .json")
      .describe(
        "Path of the asset module written after every build, relative to this file: .ts (a typed object keyed by asset name) or .json.",
      ),
    base: z
      .string()
      .optional()
      .describe(
        'URL prefix for file paths in the module, e.g. "/img/" when outDir is served at /img: src becomes <base><path inside outDir>. Default: paths relative to the module\'s folder.',
      ),
  })
  .describe("An importable module describing every built asset: files with sizes and formats, alt text, a blurred placeholder, meta.");
export type CodegenConfig = z.infer<typeof CodegenSchema>;
