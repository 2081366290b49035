import { describe, expect, it } from "vitest";
import { ConcurrencyGate, RateLimiter } from "../../../src/engine/transport/rate-limit.js";

/** A limiter on a fake clock: sleeping advances time, so nothing here is timed. */
function fakeLimiter(rpm?: number) {
  let now = 0;
  const sent: number[] = [];
  const limiter = new RateLimiter({ rpm, now: () => now, sleep: async (ms) => void (now += ms) });
  // Each request is answered the moment it is sent.
  const send = async () => {
    (await limiter.acquire()).answered();
    sent.push(now);
  };
  return { limiter, sent, send, advance: (ms: number) => void (now += ms), at: () => now };
}

describe("RateLimiter", () => {
  it("sends up to 97% of the configured rpm at once, then waits for the oldest to leave the 60 s window", async () => {
    const { sent, send } = fakeLimiter(60);
    for (let i = 0; i < 58; i++) await send();
    expect(sent.every((t) => t === 0)).toBe(true);
    await send();
    expect(sent[58]).toBeGreaterThanOrEqual(60_000);
    expect(sent[58]).toBeLessThan(61_000);
    // A window never holds more than the budget (58 of 60).
    for (let i = 0; i < 100; i++) await send();
    for (const t of sent) expect(sent.filter((u) => u > t - 60_000 && u <= t).length).toBeLessThanOrEqual(58);
  });

  it("concurrent senders all get a slot", async () => {
    const { sent, limiter } = fakeLimiter(10);
    // Nine (97% of 10 → 9) go at once; the next nine each wait for one of the first to leave.
    await Promise.all(Array.from({ length: 18 }, () => limiter.acquire().then((p) => (p.answered(), sent.push(0)))));
    expect(sent).toHaveLength(18);
    expect(limiter.rate).toBeCloseTo(9.7, 5);
  });

  it("cuts the rate on a 429, pauses everyone for the hint, then recovers slowly to the ceiling", async () => {
    const { limiter, send, at } = fakeLimiter(60);
    await send();
    limiter.throttled(5_000);
    expect(limiter.rate).toBeCloseTo(60 * 0.97 * 0.7, 5);
    const before = at();
    await send();
    expect(at() - before).toBeGreaterThanOrEqual(5_000);
    for (let i = 0; i < 29; i++) limiter.succeeded();
    expect(limiter.rate!).toBeLessThan(60 * 0.97);
    for (let i = 0; i < 10; i++) limiter.succeeded();
    expect(limiter.rate).toBeCloseTo(60 * 0.97, 5);
  });

  it("without a configured rpm, sends freely until a 429, then paces below the rate it was sending at", async () => {
    const { limiter, sent, send, advance } = fakeLimiter();
    for (let i = 0; i < 20; i++) {
      await send();
      advance(100);
    }
    expect(sent[19] - sent[0]).toBe(1900);
    expect(limiter.rate).toBeUndefined();
    limiter.throttled();
    // ~10 requests/s observed → ~7/s allowed.
    expect(limiter.rate!).toBeGreaterThan(300);
    expect(limiter.rate!).toBeLessThan(500);
  });

  it("without a configured rpm, a 429 early in a build (too little history to measure) only pauses for its hint", async () => {
    const { limiter, sent, send } = fakeLimiter();
    await send();
    await send();
    limiter.throttled(1000);
    expect(limiter.rate).toBeUndefined();
    await send();
    await send();
    expect(sent).toEqual([0, 0, 1000, 1000]);
  });
});

describe("ConcurrencyGate", () => {
  it("lets at most `limit` holders in, first come first served", async () => {
    const gate = new ConcurrencyGate(2);
    const a = await gate.acquire();
    const b = await gate.acquire();
    const order: string[] = [];
    const c = gate.acquire().then((r) => (order.push("c"), r));
    const d = gate.acquire().then((r) => (order.push("d"), r));
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual([]);
    a();
    a(); // releasing twice is harmless
    await c;
    expect(order).toEqual(["c"]);
    b();
    await d;
    expect(order).toEqual(["c", "d"]);
  });
});
