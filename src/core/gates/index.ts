export { GatesSchema, type Gates } from "./schema.js";
export {
  DEFAULT_GATES,
  gateFailures,
  resolveGates,
  type GateExpectation,
  type ImageMeasures,
  type ResolvedGates,
} from "./check.js";
