export { reportPage, defaultReportDir, type ReportOptions, type BuiltPage } from "./report.js";
export { writeReport, type WrittenReport } from "./write-report.js";
export { ThumbnailCache } from "./thumbnails.js";
export { serveLiveReport, type LiveReport, type LiveReportOptions } from "./live-server.js";
