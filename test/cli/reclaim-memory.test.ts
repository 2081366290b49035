import { setImmediate as tick } from "node:timers/promises";
import { expect, it } from "vitest";
import { reclaimMemory } from "../../src/cli/reclaim-memory.js";

it("reclaimMemory runs a full garbage collection, without --expose-gc, as often as asked", async () => {
  for (let round = 0; round < 2; round++) {
    let garbage: object | undefined = { payload: new Array(10_000).fill(round) };
    const ref = new WeakRef(garbage);
    garbage = undefined;
    await tick(); // a WeakRef keeps its target alive until the end of the job that made it
    reclaimMemory();
    expect(ref.deref()).toBeUndefined();
  }
});
