import { existsSync } from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";
import { build } from "../../../src/engine/build/build.js";
import type { BuildEvent } from "../../../src/engine/build/events.js";
import { loadProject } from "../../../src/engine/load/load.js";
import { tempProject, simulatorPerTest, journalEntries } from "../../helpers/fault-project.js";

const startSim = simulatorPerTest();

it("a 16000×16000 PNG for a 0.5K asset is refused from its header, undecoded; the paid task stays journalled and is never paid again", async () => {
  const sim = await startSim({ latencyMs: 10, faults: "files:giant" });
  const root = tempProject({ assets: 1 });
  const first = await build(loadProject({ cwd: root }), { simulatorUrl: sim.url });
  expect(first.failed).toBe(1);
  const taskId = first.assets[0].taskId!;
  expect(first.assets[0].error).toMatch(/16000×16000 \(256\.0 megapixels\), far larger than the 512×512 .*refused before decoding/);
  expect(first.assets[0].error).toContain(`Task ${taskId} is paid and stays recorded`);
  // Refused once: fetching the same bytes again would not help.
  expect(sim.requestCounts().files).toBe(1);
  expect(existsSync(path.join(root, first.assets[0].output))).toBe(false);
  const [entry] = journalEntries(root);
  expect(entry).toMatchObject({ taskId, collectFailures: 1 });

  const second = await build(loadProject({ cwd: root }), { simulatorUrl: sim.url });
  expect(second.failed).toBe(1);
  expect(sim.requestCounts()["apidot.submit"]).toBe(1);
  expect(sim.ledger()).toHaveLength(1);
});

it("an image whose size merely differs from the table is kept, with a warning", async () => {
  const sim = await startSim({ latencyMs: 10, faults: "files:giant/600" });
  const root = tempProject({ assets: 1 });
  const events: BuildEvent[] = [];
  const r = await build(loadProject({ cwd: root }), { simulatorUrl: sim.url, onEvent: (e) => events.push(e) });
  expect(r.generated).toBe(1);
  expect(events).toContainEqual(expect.objectContaining({ type: "warning", message: expect.stringMatching(/600×600, not the 512×512/) }));
  expect(existsSync(path.join(root, r.assets[0].output))).toBe(true);
});
