import { describe, expect, it } from "vitest";
import { nextRequestFirst } from "../../../src/engine/build/run-helpers.js";

describe("nextRequestFirst", () => {
  it("lets a write queued for the check phase by the next asset's microtasks go before the image work", async () => {
    const order: string[] = [];
    // The asset that freed its place waits, then does its image work.
    const done = nextRequestFirst().then(() => order.push("image work"));
    // The next asset's submit runs in the microtasks after the release (several awaits deep),
    // and undici queues its write on an idle keep-alive socket for the check phase.
    for (let i = 0; i < 5; i++) await Promise.resolve();
    setImmediate(() => order.push("request written"));
    await done;
    expect(order).toEqual(["request written", "image work"]);
  });

  it("one turn would not be enough: the same write queued after a single setImmediate comes second", async () => {
    const order: string[] = [];
    const done = new Promise((r) => setImmediate(r)).then(() => order.push("image work"));
    for (let i = 0; i < 5; i++) await Promise.resolve();
    setImmediate(() => order.push("request written"));
    await done;
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual(["image work", "request written"]);
  });
});
