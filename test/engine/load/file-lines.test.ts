import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { fileLines } from "../../../src/engine/load/file-lines.js";

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("fileLines", () => {
  it("gives every line whole, whatever the chunk size, across chunks and multi-byte characters", () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "nb-lines-"));
    const file = path.join(dir, "f.txt");
    const lines = ["", "a", "été “quoted” 🍌", "x".repeat(40), "", "last"];
    writeFileSync(file, `${lines.join("\n")}\n`);
    for (const chunk of [1, 2, 3, 5, 7, 64, 1 << 20]) expect([...fileLines(file, chunk)]).toEqual(lines);
    // Without a final newline, the last line still comes.
    writeFileSync(file, "one\ntwo");
    for (const chunk of [1, 3, 1 << 20]) expect([...fileLines(file, chunk)]).toEqual(["one", "two"]);
    writeFileSync(file, "");
    expect([...fileLines(file)]).toEqual([]);
  });
});
