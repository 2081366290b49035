import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { build } from "../../../src/engine/build/build.js";
import type { BuildEvent } from "../../../src/engine/build/events.js";
import { loadProject } from "../../../src/engine/load/load.js";
import { tempProject, simulatorPerTest } from "../../helpers/fault-project.js";

const startSim = simulatorPerTest();

/**
 * The build's first request hangs until its timeout; returns, for every other asset, whether it
 * was generated before the hung submit was given up on (its first retry or resubmit warning):
 * an ordering of events, not a timing.
 */
async function othersBeforeTheHungRetry(provider: "gemini" | "apidot", route: string): Promise<boolean[]> {
  const sim = await startSim({ latencyMs: 0, faults: `${route}:hang@1` });
  const root = tempProject({ assets: 4, concurrency: 4, apidot: "{ timeoutMs: 1000, pollIntervalMs: 20 }" });
  const config = path.join(root, "nanobanana.config.yaml");
  writeFileSync(
    config,
    `provider: ${provider}\nsimulate: true\nconcurrency: 4\n` +
      'defaults: { model: nano-banana-2, resolution: 1K, aspectRatio: "1:1", format: png }\n' +
      `providers:\n  ${provider}: { timeoutMs: 1000, pollIntervalMs: 20 }\n`,
  );
  const events: BuildEvent[] = [];
  const result = await build(loadProject({ cwd: root }), { simulatorUrl: sim.url, onEvent: (e) => events.push(e) });
  expect(result.generated).toBe(4);
  const retry = events.findIndex((e) => e.type === "retry" || (e.type === "warning" && e.name !== undefined));
  expect(retry).toBeGreaterThanOrEqual(0);
  const hung = (events[retry] as { name: string }).name;
  return events
    .map((e, i) => ({ e, i }))
    .filter(({ e }) => e.type === "generated" && e.name !== hung)
    .map(({ i }) => i < retry);
}

describe("the first-submit gate", () => {
  it("does not hold a provider that answers with the image (Gemini): the others go while the first hangs", async () => {
    const order = await othersBeforeTheHungRetry("gemini", "gemini.generate");
    expect(order).toEqual([true, true, true]);
  });

  it("still holds a provider whose task ids are recorded (APIDot): nothing else is submitted before the first answers", async () => {
    const order = await othersBeforeTheHungRetry("apidot", "apidot.submit");
    expect(order).toEqual([false, false, false]);
  });
});
