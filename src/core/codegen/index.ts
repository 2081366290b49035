export { CodegenSchema, type CodegenConfig } from "./schema.js";
export { renderJsonModule, renderTsModule, type ModuleEntry, type ModuleFile } from "./render.js";
export { moduleEntries } from "./entries.js";
