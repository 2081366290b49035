import { expect, it } from "vitest";
import { build } from "../../../src/engine/build/build.js";
import { UNKNOWN_STATUS_POLLS } from "../../../src/engine/build/poll-task.js";
import { loadProject } from "../../../src/engine/load/load.js";
import { UNKNOWN_STATUS } from "../../../src/simulator/hostile-answers.js";
import { tempProject, simulatorPerTest, journalEntries } from "../../helpers/fault-project.js";

const startSim = simulatorPerTest();

it("a status value no adapter knows fails the asset after a bounded number of polls, naming it; the task stays journalled and is never paid again", async () => {
  const sim = await startSim({ latencyMs: 10, faults: "apidot.status:unknown-status" });
  const root = tempProject({ assets: 1 });
  const first = await build(loadProject({ cwd: root }), { simulatorUrl: sim.url });
  expect(first.failed).toBe(1);
  expect(first.assets[0].error).toContain(`"${UNKNOWN_STATUS}"`);
  expect(first.assets[0].error).toMatch(/times in a row; its id is recorded/);
  expect(sim.requestCounts()["apidot.status"]).toBe(UNKNOWN_STATUS_POLLS);
  expect(sim.ledger()).toHaveLength(1);
  const taskId = journalEntries(root)[0].taskId;
  expect(taskId).toBe(first.assets[0].taskId);

  // The next build asks the same task again (bounded again), and submits nothing.
  const second = await build(loadProject({ cwd: root }), { simulatorUrl: sim.url });
  expect(second.failed).toBe(1);
  expect(sim.requestCounts()["apidot.submit"]).toBe(1);
  expect(sim.requestCounts()["apidot.status"]).toBe(2 * UNKNOWN_STATUS_POLLS);
  expect(sim.ledger()).toHaveLength(1);

  // Once the provider answers a known status again, the paid task is collected.
  sim.setFaults(undefined);
  const third = await build(loadProject({ cwd: root }), { simulatorUrl: sim.url });
  expect(third.generated).toBe(1);
  expect(third.assets[0].taskId).toBe(taskId);
  expect(sim.ledger()).toHaveLength(1);
  expect(journalEntries(root)).toEqual([]);
});
