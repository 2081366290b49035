import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { writeJson } from "../../src/cli/json-out.js";

/** A stream that takes `highWaterMark` bytes before it asks the writer to wait, and counts the writes. */
function sink(highWaterMark = 1024) {
  const chunks: string[] = [];
  const out = new Writable({
    highWaterMark,
    write(chunk, _enc, cb) {
      chunks.push(String(chunk));
      setImmediate(cb);
    },
  });
  return { out, text: () => chunks.join(""), writes: () => chunks.length, largest: () => Math.max(...chunks.map((c) => c.length)) };
}

describe("writeJson (plan --json)", () => {
  it("writes exactly JSON.stringify(value, null, 2) and a newline", async () => {
    const values: Record<string, unknown>[] = [
      {},
      { a: 1, empty: [], nested: { x: [1, { y: "z" }], u: undefined }, list: [{ b: 2 }, null, "s", [3, []]], f: () => 1 },
      { only: undefined },
    ];
    for (const v of values) {
      const s = sink();
      await writeJson(s.out, v);
      expect(s.text()).toBe(`${JSON.stringify(v, null, 2)}\n`);
    }
  });

  it("keeps only the named fields of each item, in that order", async () => {
    const s = sink();
    const items = [{ reason: "r", name: "a", extra: 1, hash: "h" }, { reason: "nested", name: { first: "b" }, hash: null }, { extra: 2 }];
    await writeJson(s.out, { n: 1, assets: items }, { assets: ["name", "reason", "hash"] });
    const want = { n: 1, assets: items.map((i) => JSON.parse(JSON.stringify(i, ["name", "reason", "hash"]))) };
    expect(s.text()).toBe(`${JSON.stringify(want, null, 2)}\n`);
  });

  it("streams a big array in chunks, waiting for the stream to drain, never as one string", async () => {
    const s = sink();
    const assets = Array.from({ length: 20_000 }, (_, i) => ({ name: `grid/r${i}`, action: "new", estimatedUsd: 0.05 }));
    await writeJson(s.out, { counts: { new: assets.length }, assets });
    expect(s.text()).toBe(`${JSON.stringify({ counts: { new: assets.length }, assets }, null, 2)}\n`);
    expect(s.writes()).toBeGreaterThan(10);
    expect(s.largest()).toBeLessThan(70_000);
  });

  it("writes every kind of text and number as JSON.stringify does, long texts and multi-byte characters too", async () => {
    const texts = [
      'a "quoted" \\ path',
      "tab\there\u0001",
      "été “x” 🍌",
      "lone \ud800 surrogate",
      "x".repeat(100_000),
      `${"é".repeat(30_000)}🍌`,
    ];
    const numbers = [0.05, -0, Number.NaN, Number.POSITIVE_INFINITY, 1e21, 123];
    const assets = [...texts, ...numbers, true, null].flatMap((v, i) => [
      { name: v, action: "new", hash: i },
      { name: `n${i}`, action: v, extra: { skipped: true } },
    ]);
    const value = { text: texts[5], assets };
    const s = sink();
    await writeJson(s.out, value, { assets: ["name", "action", "hash"] });
    const want = { text: texts[5], assets: assets.map((i) => JSON.parse(JSON.stringify(i, ["name", "action", "hash"]))) };
    expect(s.text()).toBe(`${JSON.stringify(want, null, 2)}\n`);
  });
});
