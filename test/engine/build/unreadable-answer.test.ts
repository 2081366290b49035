import { readdirSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import path from "node:path";
import { afterEach, expect, it } from "vitest";
import { build } from "../../../src/engine/build/build.js";
import { loadProject } from "../../../src/engine/load/load.js";
import { tempProject } from "../../helpers/fault-project.js";

let server: Server | undefined;
afterEach(() => server?.close());

it("a 200 submit answer of the wrong shape is an unknown outcome: kept with an excerpt, reported, never sent again unasked", async () => {
  let submits = 0;
  server = createServer((req, res) => {
    if (req.url === "/api/generate/submit") submits++;
    res.setHeader("content-type", "application/json");
    // data.taskId instead of data.task_id: the task was created (and paid), the adapter cannot read it.
    res.end(JSON.stringify({ code: 200, data: { taskId: "t-123" } }));
  });
  await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const root = tempProject({ assets: 1, simulate: false, apidot: `{ baseUrl: "${url}", timeoutMs: 400, pollIntervalMs: 20 }` });
  const env = { APIDOT_API_KEY: "k-1" };

  const first = await build(loadProject({ cwd: root }), { env });
  expect(submits).toBe(1);
  expect(first.failed).toBe(1);
  expect(first.possibleDuplicates).toHaveLength(1);
  const tasks = path.join(root, ".nanobanana", "tasks");
  const [file] = readdirSync(tasks);
  expect(JSON.parse(readFileSync(path.join(tasks, file), "utf8")).answer).toContain('"taskId":"t-123"');

  const second = await build(loadProject({ cwd: root }), { env });
  expect(submits).toBe(1);
  expect(second.failed).toBe(1);
  expect(second.assets[0].error).toMatch(/could not read.*not sent again/);
  expect(second.possibleDuplicates).toHaveLength(1);
});
