import { describe, expect, it } from "vitest";
import { parsePlanFile, planChanges, serializePlanFile, toPlanFile } from "../../../src/core/plan/plan-file.js";
import type { Plan, PlanItem } from "../../../src/core/plan/types.js";

const item = (name: string, action: PlanItem["action"], hash = `${name}-hash`, estimatedUsd = 0.05): PlanItem => ({
  name,
  action,
  reason: action,
  hash,
  output: `generated/${name}.png`,
  model: "nano-banana-2",
  resolution: "1K",
  estimatedUsd: action === "up-to-date" ? 0 : estimatedUsd,
});
const plan = (items: PlanItem[], provider = "apidot"): Plan => ({
  provider,
  simulate: true,
  items,
  estimatedUsd: 0,
  counts: { new: 0, changed: 0, "output-missing": 0, "up-to-date": 0, orphaned: 0, rejected: 0 },
});

describe("plan files", () => {
  const base = plan([item("a", "new"), item("b", "up-to-date"), item("c", "changed")]);

  it("keep only the work, round-trip through text, and compare equal to the same plan", () => {
    const file = toPlanFile(base, ["*"]);
    expect(file.assets.map((a) => a.name)).toEqual(["a", "c"]);
    expect(file.estimatedUsd).toBe(0.1);
    expect(parsePlanFile(serializePlanFile(file), "p.json")).toEqual(file);
    expect(planChanges(file, base)).toEqual([]);
  });

  it("name every difference: spec, price, provider, gone, added", () => {
    const file = toPlanFile(base);
    const now = plan([item("a", "new", "a-other"), item("b", "new"), item("c", "up-to-date")], "fal");
    now.items[0].estimatedUsd = 0.07;
    expect(planChanges(file, now)).toEqual([
      "provider: the plan uses apidot, the project now fal",
      "a: spec changed since the plan (a-hash… → a-other…)",
      "a: price now $0.07, planned $0.05",
      "c: planned, no longer to generate (up-to-date: up-to-date)",
      "b: to generate now (new), not in the plan",
    ]);
  });

  it("reject text that is not a plan file", () => {
    expect(() => parsePlanFile("{", "p.json")).toThrow(/p\.json is not JSON/);
    expect(() => parsePlanFile('{"nanobananaPlan": 2}', "p.json")).toThrow(/not a nanobanana plan file: nanobananaPlan/);
  });
});
