import { afterAll, afterEach, beforeAll } from "vitest";
import { startSimulator, type Simulator } from "../../src/simulator/index.js";
import { removeProject, tempProject } from "./project.js";

/**
 * One simulator for a test file and one temp project per test: started before the file,
 * reset (ledger, tasks) and the project removed after each test, closed after the file.
 */
export function simSuite(latencyMs = 5): { sim: () => Simulator; project: (files: Record<string, string>) => string; dir: () => string } {
  let sim: Simulator | undefined;
  let dir = "";
  beforeAll(async () => {
    sim = await startSimulator({ latencyMs });
  });
  afterAll(() => sim?.close());
  afterEach(() => {
    removeProject(dir);
    sim?.state.reset();
  });
  return {
    sim: () => sim!,
    project: (files) => (dir = tempProject(files)),
    dir: () => dir,
  };
}
