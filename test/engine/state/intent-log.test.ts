import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { IntentLog } from "../../../src/engine/state/intent-log.js";
import { TaskJournal } from "../../../src/engine/state/journal.js";
import { hash, intent } from "../../helpers/intents.js";
import { canMountTmpfs, tinyTmpfs } from "../../helpers/full-disk.js";

const dirs: string[] = [];
function stateDir(): string {
  const d = path.join(tmpdir(), `nb-intents-${process.pid}-${dirs.length}`);
  rmSync(d, { recursive: true, force: true });
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const names = (state: string) => readdirSync(path.join(state, "tasks")).sort();

describe("the intent log", () => {
  it("keeps every intent in one file, readable by the next process the moment it is appended", async () => {
    const state = stateDir();
    const journal = new TaskJournal(state);
    for (const c of ["a", "b", "c"]) journal.recordNew(intent(c));
    const [log] = names(state);
    expect(names(state)).toEqual([expect.stringMatching(/^intents-\d+-\d+\.log$/)]);
    expect(
      readFileSync(path.join(state, "tasks", log), "utf8")
        .trim()
        .split("\n"),
    ).toHaveLength(3);
    const next = new TaskJournal(state).load();
    expect([...next.keys()]).toEqual([hash("a"), hash("b"), hash("c")]);
    expect(next.get(hash("b"))?.key).toBe("key-b");
    await journal.close();
  });

  it("drops a settled intent, and removes the file when nothing in it is live", async () => {
    const state = stateDir();
    const journal = new TaskJournal(state);
    journal.recordNew(intent("a"));
    journal.recordNew(intent("b"));
    journal.removeLater(hash("a"));
    journal.remove(hash("b"));
    expect(new TaskJournal(state).load().size).toBe(0);
    await journal.close();
    expect(names(state)).toEqual([]);
  });

  it("an entry's own file (the task id) wins over its intent", async () => {
    const state = stateDir();
    const journal = new TaskJournal(state);
    journal.recordNew(intent("a"));
    journal.record(intent("a", { taskId: "task-1" }));
    expect(new TaskJournal(state).load().get(hash("a"))?.taskId).toBe("task-1");
    journal.removeLater(hash("a"));
    await journal.close();
    expect(names(state)).toEqual([]);
  });

  it("a build whose live intents all have files of their own (task ids) leaves no log", async () => {
    const state = stateDir();
    const journal = new TaskJournal(state);
    journal.recordNew(intent("a"));
    journal.record(intent("a", { taskId: "task-1" }));
    await journal.close();
    expect(names(state)).toEqual([`${hash("a")}.json`]);
  });

  it("a live intent outlives the build, and the next build folds it into a file of its own", async () => {
    const state = stateDir();
    const first = new TaskJournal(state);
    first.recordNew(intent("a"));
    first.recordNew(intent("b"));
    first.removeLater(hash("b"));
    await first.close();
    expect(names(state)).toHaveLength(1);
    const second = new TaskJournal(state);
    second.foldIntentLogs();
    expect(names(state)).toEqual([`${hash("a")}.json`]);
    expect(second.load().get(hash("a"))).toEqual(intent("a"));
    second.remove(hash("a"));
    expect(names(state)).toEqual([]);
  });

  it("skips a tail torn by a power cut, and keeps a log with a line that is no intent for the user", () => {
    const state = stateDir();
    const tasks = path.join(state, "tasks");
    mkdirSync(tasks, { recursive: true });
    const torn = path.join(tasks, "intents-1-1.log");
    writeFileSync(torn, `${JSON.stringify(intent("a"))}\n{"hash":"bb`);
    const bad = path.join(tasks, "intents-2-1.log");
    writeFileSync(bad, `${JSON.stringify({ ...intent("c"), hash: "../../victim" })}\n${JSON.stringify(intent("d"))}\n`);
    const journal = new TaskJournal(state);
    expect([...journal.load().keys()]).toEqual([hash("a"), hash("d")]);
    expect(journal.rejected).toEqual([{ file: bad, problem: expect.stringMatching(/^line 1: hash/) }]);
    journal.foldIntentLogs();
    expect(existsSync(torn)).toBe(false);
    // The good line is folded; the bad one stays alone, so deleting the log loses nothing.
    expect(readFileSync(bad, "utf8")).toBe(`${JSON.stringify({ ...intent("c"), hash: "../../victim" })}\n`);
    expect(names(state)).toEqual([`${hash("a")}.json`, `${hash("d")}.json`, "intents-2-1.log"]);
    expect([...new TaskJournal(state).load().keys()]).toEqual([hash("a"), hash("d")]);
  });

  it("an intent over an entry that is already there (another provider's, a simulated one) replaces it", async () => {
    const state = stateDir();
    const old = new TaskJournal(state);
    old.record(intent("a", { key: "sim-key", simulated: true, taskId: "sim-task" }));
    const journal = new TaskJournal(state);
    journal.load();
    journal.recordNew(intent("a", { key: "real-key", simulated: false }));
    await journal.close();
    expect(names(state)).toEqual([`${hash("a")}.json`]);
    expect(new TaskJournal(state).load().get(hash("a"))).toMatchObject({ key: "real-key", simulated: false, taskId: "" });
  });

  it("folding does not trust an entry's file torn by a power cut", () => {
    const state = stateDir();
    const tasks = path.join(state, "tasks");
    mkdirSync(tasks, { recursive: true });
    writeFileSync(path.join(tasks, `${hash("a")}.json`), "");
    writeFileSync(path.join(tasks, "intents-1-1.log"), `${JSON.stringify(intent("a"))}\n`);
    const journal = new TaskJournal(state);
    journal.foldIntentLogs();
    expect(names(state)).toEqual([`${hash("a")}.json`]);
    expect(journal.load().get(hash("a"))).toEqual(intent("a"));
  });

  it("close keeps a log that holds live intents, every line whole", async () => {
    const state = stateDir();
    const log = new IntentLog(path.join(state, "tasks"));
    for (const c of "abcdefgh") log.append(intent(c));
    await log.close();
    expect(
      readFileSync(log.file, "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l).hash),
    ).toEqual([..."abcdefgh"].map(hash));
    expect(existsSync(log.file)).toBe(true); // eight live intents: kept for the next build
  });
});

// A real full disk: a 64 KB tmpfs, mounted only where the test runs as root.
describe.skipIf(!canMountTmpfs)("the intent log on a full disk (tmpfs)", () => {
  const dir = tinyTmpfs("nb-intent-full");

  it("an intent that does not fit fails and leaves no part of it: the lines before and after it read whole", async () => {
    const journal = new TaskJournal(dir);
    journal.recordNew(intent("a"));
    expect(() => journal.recordNew(intent("b", { name: "x".repeat(200_000) }))).toThrow(/ENOSPC/);
    journal.recordNew(intent("c"));
    expect([...new TaskJournal(dir).load().keys()]).toEqual([hash("a"), hash("c")]);
    await journal.close();
  });
});
