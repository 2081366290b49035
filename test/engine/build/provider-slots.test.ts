import { describe, expect, it } from "vitest";
import { allOf } from "../../../src/engine/build/provider-slots.js";
import { ConcurrencyGate } from "../../../src/engine/transport/rate-limit.js";

describe("allOf (the build's cap and the provider's, together)", () => {
  it("holds a place in every gate; the tighter one decides; one release frees both", async () => {
    const build = new ConcurrencyGate(3);
    const provider = new ConcurrencyGate(2);
    const both = allOf([build, provider, undefined]);
    const a = await both.acquire();
    await both.acquire();
    let third = false;
    const waiting = both.acquire().then((r) => ((third = true), r));
    await new Promise((r) => setImmediate(r));
    expect(third).toBe(false);
    a();
    a(); // idempotent: releasing twice frees one place only
    const c = await waiting;
    expect(third).toBe(true);
    // Two held, the provider's two places full: a 4th waits until one is released.
    let fourth = false;
    void both.acquire().then(() => (fourth = true));
    await new Promise((r) => setImmediate(r));
    expect(fourth).toBe(false);
    c();
    await new Promise((r) => setImmediate(r));
    expect(fourth).toBe(true);
  });

  it("an abort while waiting on the second gate gives back the place taken in the first", async () => {
    const build = new ConcurrencyGate(2);
    const provider = new ConcurrencyGate(1);
    const both = allOf([build, provider]);
    await both.acquire();
    const ac = new AbortController();
    const waiting = both.acquire(ac.signal);
    await new Promise((r) => setImmediate(r));
    ac.abort(new Error("stop"));
    await expect(waiting).rejects.toThrow("stop");
    // The build gate holds only the first caller's place again: a direct acquire gets in at once.
    const r = await Promise.race([build.acquire(), new Promise((res) => setImmediate(() => res("blocked")))]);
    expect(r).not.toBe("blocked");
  });
});
