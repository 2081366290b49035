import { readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { TaskJournal } from "../../../src/engine/state/journal.js";
import { hash, intent } from "../../helpers/intents.js";

// Every fdatasync the intent log asks for, counted (and done).
const syncs = vi.hoisted(() => ({ count: 0 }));
vi.mock("node:fs", async (importOriginal) => {
  const fs = await importOriginal<typeof import("node:fs")>();
  return {
    ...fs,
    fdatasync: (fd: number, cb: (err: NodeJS.ErrnoException | null) => void) => {
      syncs.count++;
      fs.fdatasync(fd, cb);
    },
  };
});

const state = path.join(tmpdir(), `nb-intents-flush-${process.pid}`);
afterEach(() => rmSync(state, { recursive: true, force: true }));

describe("the intent log's flushes", () => {
  it("flushes intents; a tombstone after the lock write is written but asks for no flush", async () => {
    const journal = new TaskJournal(state);
    journal.recordNew(intent("a"));
    journal.recordNew(intent("b"));
    await journal.settled();
    const afterIntents = syncs.count;
    expect(afterIntents).toBeGreaterThanOrEqual(1);
    const [log] = readdirSync(path.join(state, "tasks"));
    const read = () =>
      readFileSync(path.join(state, "tasks", log), "utf8")
        .trim()
        .split("\n");

    journal.removeLater(hash("a")); // the lock holding a's image is durable
    expect(read()).toHaveLength(3); // on disk for the next process (a SIGKILL loses nothing)
    expect(new TaskJournal(state).load().has(hash("a"))).toBe(false);

    journal.remove(hash("b")); // no lock entry backs this one: its tombstone is flushed
    expect(read()).toHaveLength(4);
    await journal.close();
    expect(syncs.count).toBe(afterIntents + 1);
    expect(readdirSync(path.join(state, "tasks"))).toEqual([]);
  });
});
