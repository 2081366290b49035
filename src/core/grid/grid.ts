import { z } from "zod";
import type { ImageFormat } from "../catalog/models.js";
import type { DerivePipeline } from "../derive/pipeline.js";
import type { DerivedSpec } from "../derive/resolve.js";
import { derivedExtension } from "../derive/naming.js";

const side = z.number().int().min(1).max(8);

export const GridField = z
  .tuple([side, side])
  .describe(
    "[rows, cols]: one generation prompted as a sheet of rows × cols equal cells, cut locally into one file per cell (named by `cells`). One paid call for a consistent set.",
  );

export const CellsField = z
  .array(z.string().regex(/^[A-Za-z0-9][\w.-]*$/, "letters, digits, ., _ and -"))
  .min(1)
  .describe(
    "Names of the grid's cells, left to right, top to bottom (rows × cols of them); each becomes <name>-<cell>.<ext> beside the sheet.",
  );

/** What is wrong with a grid and its cells, or undefined. */
export function gridProblem(grid: [number, number], cells: string[] | undefined): string | undefined {
  const n = grid[0] * grid[1];
  if (!cells) return `grid ${grid[0]}×${grid[1]} needs cells: ${n} names, left to right, top to bottom`;
  if (cells.length !== n) return `grid ${grid[0]}×${grid[1]} has ${n} cells, and cells names ${cells.length}`;
  const seen = new Set<string>();
  for (const c of cells) {
    if (seen.has(c)) return `cell name ${JSON.stringify(c)} is given twice`;
    seen.add(c);
  }
  return undefined;
}

/** The prompt of a sheet: the asset's prompt, then the layout and what goes in each cell. */
export function sheetPrompt(prompt: string, [rows, cols]: [number, number], cells: string[]): string {
  const list = cells.map((c, i) => `${i + 1}. ${c.replace(/[-_]+/g, " ")}`).join("; ");
  return `${prompt} Laid out as a sheet of ${rows} rows by ${cols} columns of equal cells on one plain background, no borders, no gaps, no labels, each subject centred in its cell, left to right, top to bottom: ${list}.`;
}

/** One derived file per cell: `<stem>-<cell>.<ext>` beside the sheet, cut out in the sheet's format. */
export function cellSpecs(output: string, format: ImageFormat, [rows, cols]: [number, number], cells: string[]): DerivedSpec[] {
  const dot = output.lastIndexOf(".");
  const stem = dot > output.lastIndexOf("/") ? output.slice(0, dot) : output;
  return cells.map((name, i) => {
    const pipeline: DerivePipeline = {
      trim: false,
      crop: null,
      focus: "centre",
      width: null,
      height: null,
      fit: "inside",
      pad: 0,
      padColor: "#00000000",
      format,
      quality: null,
      cell: [Math.floor(i / cols), i % cols, rows, cols],
    };
    return { output: `${stem}-${name}.${derivedExtension(format)}`, pipeline };
  });
}
