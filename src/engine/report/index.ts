export { reportPage, defaultReportDir, type ReportOptions, type BuiltPage } from "./report.js";
export { writeReport, type WrittenReport } from "./write-report.js";
export { ThumbnailCache } from "./thumbnails.js";
