export { DeriveEntrySchema, DeriveField, DERIVED_FORMATS, type DeriveEntry, type DerivedFormat } from "./schema.js";
export { normalizePipeline, deriveHash, DERIVE_FORMAT_VERSION, type DerivePipeline } from "./pipeline.js";
export { derivedOutput, derivedExtension } from "./naming.js";
export { resolveDerived, type DerivedSpec } from "./resolve.js";
export { planDerived, countDerived, type DerivedPlanItem, type DerivedAction, type DerivedFacts } from "./plan.js";
