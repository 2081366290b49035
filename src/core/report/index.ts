export type { BeforeAfter, FieldChange, ModelTotal, ReportImage, ReportPage, ReportRow, RowStatus, Take } from "./types.js";
export { ROW_STATUSES } from "./types.js";
export { reportRows, rowId, type LastOutcome, type RowsInput, type SinceInput } from "./rows.js";
export { totalsByModel } from "./totals.js";
export { fieldChanges } from "./field-changes.js";
export { thumbSize, THUMB_MAX } from "./thumb-size.js";
export { renderReport, renderTotals, subKey } from "./render-page.js";
export { renderCard } from "./render-card.js";
export { esc, urlPath, usd } from "./escape.js";
