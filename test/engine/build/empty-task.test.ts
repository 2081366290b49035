import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";
import { build } from "../../../src/engine/build/build.js";
import { loadProject } from "../../../src/engine/load/load.js";
import { tempProject, simulatorPerTest, journalEntries } from "../../helpers/fault-project.js";
import { runMain } from "../safety/helpers.js";

const startSim = simulatorPerTest();

it("a task that finished paid with zero files is recorded as such: not polled or paid again until forgotten", async () => {
  const sim = await startSim({ latencyMs: 10, faults: "apidot.status:empty" });
  const root = tempProject({ assets: 1 });
  const first = await build(loadProject({ cwd: root }), { simulatorUrl: sim.url });
  const taskId = first.assets[0].taskId!;
  expect(first.failed).toBe(1);
  expect(first.assets[0].error).toMatch(/finished without an image .* and is paid/);
  expect(first.assets[0].error).toContain(`nanobanana tasks forget ${taskId}`);
  expect(sim.ledger()).toHaveLength(1);
  expect(journalEntries(root)).toMatchObject([{ taskId, empty: true }]);

  // The next build neither submits nor polls: it says the same and pays nothing.
  const polls = sim.requestCounts()["apidot.status"];
  const second = await build(loadProject({ cwd: root }), { simulatorUrl: sim.url });
  expect(second.failed).toBe(1);
  expect(second.assets[0].error).toContain(`nanobanana tasks forget ${taskId}`);
  expect(sim.requestCounts()["apidot.submit"]).toBe(1);
  expect(sim.requestCounts()["apidot.status"]).toBe(polls);
  expect(sim.ledger()).toHaveLength(1);

  const list = await runMain(["tasks", "-C", root]);
  expect(list.stdout).toContain(`task ${taskId} paid, no image`);
  expect(JSON.parse((await runMain(["tasks", "-C", root, "--json"])).stdout).tasks[0].state).toBe("empty");

  const forgot = await runMain(["tasks", "forget", taskId, "-C", root]);
  expect(forgot.stdout).toMatch(/cost: it is paid \(with no image\), and that is not refunded; the next build submits a000 again/);
  sim.setFaults(undefined);
  const third = await build(loadProject({ cwd: root }), { simulatorUrl: sim.url });
  expect(third.generated).toBe(1);
  expect(sim.ledger()).toHaveLength(2);
});

it("an empty task whose asset changed since is left journalled, never polled as an orphan", async () => {
  const sim = await startSim({ latencyMs: 10, faults: "apidot.status:empty" });
  const root = tempProject({ assets: 1 });
  const first = await build(loadProject({ cwd: root }), { simulatorUrl: sim.url });
  const taskId = first.assets[0].taskId!;
  const manifest = path.join(root, "assets", "set.yaml");
  writeFileSync(manifest, readFileSync(manifest, "utf8").replace("test image number 0", "another image"));
  sim.setFaults(undefined);
  const second = await build(loadProject({ cwd: root }), { simulatorUrl: sim.url });
  expect(second.generated).toBe(1);
  expect(sim.ledger()).toHaveLength(2);
  // Polled now (faults off) it would have been collected into the store and left the journal.
  expect(journalEntries(root)).toMatchObject([{ taskId, empty: true }]);
  const list = await runMain(["tasks", "-C", root]);
  expect(list.stdout).toContain(`task ${taskId} paid, no image`);
});
