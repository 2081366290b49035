export { startSimulator, type Simulator } from "./server.js";
export type { SimulatorOptions } from "./context.js";
export {
  parseFaults,
  describeFaults,
  FAULT_KINDS,
  type FaultKind,
  type FaultPlan,
  type FaultRule,
  type SimLimits,
} from "./fault-syntax.js";
export type { Charge } from "./state.js";
