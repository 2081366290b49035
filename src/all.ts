// `nanobanana/all`: the whole library API loaded at once (zod, YAML, fast-glob, chokidar with it),
// synchronous where the engine is. `nanobanana` (src/index.ts) is the light entry that loads
// these on first call; its plain exports are re-exported here and the engine's own functions
// take the place of its lazy wrappers.
export * from "./index.js";
export { loadProject } from "./engine/load/load.js";
export { readLock } from "./engine/state/read-lock.js";
export { watch, WatchSession } from "./engine/watch/session.js";
export { projectStatus } from "./engine/maintain/status.js";
export { build } from "./engine/build/build.js";
export { planProject } from "./engine/build/plan-project.js";
export { connect } from "./engine/providers/connect.js";
export { gc } from "./engine/maintain/gc.js";
export { writePlaceholders } from "./engine/placeholders/write-placeholders.js";
export { parseLock } from "./core/lock/parse.js";
export { ConfigSchema } from "./core/config/schema.js";
export { ManifestSchema } from "./core/manifest/schema.js";
export { jsonSchemas } from "./core/config/json-schema.js";
export { TaskJournal } from "./engine/state/journal.js";
