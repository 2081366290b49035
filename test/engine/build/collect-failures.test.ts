import { expect, it } from "vitest";
import { build } from "../../../src/engine/build/build.js";
import { loadProject } from "../../../src/engine/load/load.js";
import { tempProject, simulatorPerTest, journalEntries } from "../../helpers/fault-project.js";
import { runMain } from "../safety/helpers.js";

const startSim = simulatorPerTest();

it("a result URL that keeps failing is counted in the journal with its last error, and nanobanana tasks shows both", async () => {
  const sim = await startSim({ latencyMs: 10, faults: "files:expired" });
  const root = tempProject({ assets: 1 });
  for (let i = 0; i < 2; i++) {
    const r = await build(loadProject({ cwd: root }), { simulatorUrl: sim.url });
    expect(r.failed).toBe(1);
  }
  expect(sim.ledger()).toHaveLength(1);
  const [entry] = journalEntries(root);
  expect(entry.collectFailures).toBe(2);
  expect(entry.lastError).toMatch(/403/);

  const list = await runMain(["tasks", "-C", root]);
  expect(list.stdout).toMatch(new RegExp(`task ${entry.taskId} .*collect failed 2×: .*403`));
  const json = JSON.parse((await runMain(["tasks", "-C", root, "--json"])).stdout);
  expect(json.tasks[0]).toMatchObject({ collectFailures: 2, lastError: entry.lastError });

  // Once the URL works again the task is collected (no new charge) and leaves the journal.
  sim.setFaults(undefined);
  const ok = await build(loadProject({ cwd: root }), { simulatorUrl: sim.url });
  expect(ok.generated).toBe(1);
  expect(sim.ledger()).toHaveLength(1);
  expect(journalEntries(root)).toEqual([]);
});
