import { describe, expect, it } from "vitest";
import { PollPlanner } from "../../../src/engine/build/poll-plan.js";

const schedule = { initialMs: 1000, maxMs: 10_000, deadlineMs: 900_000, minMs: 500 };

describe("PollPlanner", () => {
  it("aims at the end the provider's progress predicts, looking again early on", () => {
    const p = new PollPlanner(schedule);
    // 60% done after 6 s: about 4 s left.
    const late = p.next(6000, 1000, 60);
    expect(late).toBeGreaterThan(3500);
    expect(late).toBeLessThan(4800);
    // 10% after 1 s: ~9 s left, but an early reading only goes 80% of the way.
    const early = p.next(1000, 1000, 10);
    expect(early).toBeLessThan(9000 * 0.85);
    // A wildly long estimate is capped by the time already waited (at most a doubling).
    expect(p.next(2000, 1000, 1)).toBe(10_000);
    expect(p.next(30_000, 10_000, 1)).toBe(30_000);
  });

  it("without progress, grows the interval ×1.25 between minMs and maxMs", () => {
    const p = new PollPlanner(schedule);
    expect(p.first()).toBe(1000);
    expect(p.next(1000, 1000)).toBe(1250);
    expect(p.next(60_000, 9000)).toBe(10_000);
    expect(p.next(100, 100)).toBe(500);
  });

  it("learns this build's typical duration and polls the next tasks near it", () => {
    const p = new PollPlanner(schedule);
    for (const [pending, done] of [
      [19_000, 21_000],
      [19_500, 20_500],
      [18_000, 22_000],
    ])
      p.observe(pending, done);
    expect(p.expectedMs()).toBe(20_000);
    expect(p.first()).toBe(20_000);
    expect(p.next(5000, 5000)).toBe(10_000); // capped by maxMs on the way
    expect(p.next(15_000, 10_000)).toBe(5000);
  });
});
