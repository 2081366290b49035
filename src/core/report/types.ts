/** How an asset stands, as the report shows it. */
export type RowStatus = "generated" | "up-to-date" | "pending" | "failed" | "blocked" | "orphaned";

export const ROW_STATUSES: readonly RowStatus[] = ["generated", "up-to-date", "pending", "failed", "blocked", "orphaned"];

/** An image on the page: a thumbnail URL relative to the page, and where the full image is. */
export interface ReportImage {
  thumb: string;
  /** The full image, relative to the page (the thumbnail when there is no better one). */
  href: string;
  /** Thumbnail size in CSS pixels (so the page lays out before images load). */
  width: number;
  height: number;
}

/** One spec field that differs between the `--since` ref and now. */
export interface FieldChange {
  field: string;
  before: string;
  after: string;
}

/** What an asset looked like at the `--since` ref. */
export interface BeforeAfter {
  kind: "changed" | "new" | "removed";
  /** The old image; absent when neither git nor the store has it (see `missing`). */
  image?: ReportImage;
  missing?: string;
  changed: FieldChange[];
  /** What the change cost (the new image's cost; an estimate while it is pending). */
  costUsd: number;
}

/** One take of an asset with `candidates: N`. */
export interface Take {
  k: number;
  name: string;
  image?: ReportImage;
  picked: boolean;
  /** The CLI command that picks it. */
  command: string;
}

/** One asset on the page. Plain data, rendered by renderReport. */
export interface ReportRow {
  /** DOM id, stable across renders (live updates replace by id). */
  id: string;
  name: string;
  /** Manifest that declares it (or the lockfile, for orphans). */
  manifest: string;
  /** The declaration inside the manifest, e.g. `assets[0]`: a matrix's variants share it. */
  declared: string;
  /** The matrix values of this variant. */
  matrix: Record<string, string>;
  prompt: string;
  model: string;
  resolution: string;
  aspectRatio: string;
  format: string;
  /** What the current image cost; the estimate while pending. */
  costUsd: number;
  taskId?: string;
  status: RowStatus;
  /** Why: the failure or block reason, or why it is pending. */
  reason?: string;
  image?: ReportImage;
  before?: BeforeAfter;
  takes?: Take[];
}

/** Spend by model over the rows. */
export interface ModelTotal {
  model: string;
  assets: number;
  usd: number;
  /** Estimated cost of the pending assets of this model. */
  pendingUsd: number;
}

/** The whole page, as plain data. */
export interface ReportPage {
  title: string;
  /** ISO time the page was made (passed in: core has no clock). */
  generatedAt: string;
  provider: string;
  simulate: boolean;
  /** The git ref compared against, with --since. */
  since?: string;
  rows: ReportRow[];
  totals: ModelTotal[];
  /** Set on the live page of `watch --serve`: the token its requests carry. */
  live?: { token: string };
}
