import { describe, expect, it } from "vitest";
import { RateLimiter } from "../../../src/engine/transport/rate-limit.js";
import { ServiceLimits } from "../../../src/simulator/rate-limits.js";
import type { SimState } from "../../../src/simulator/state.js";

/** Virtual time: sleeps are timers on a queue; `run` jumps to the next timer once nothing else can move. */
class VirtualClock {
  now = 0;
  private timers: Array<{ at: number; wake: () => void }> = [];
  sleep = (ms: number) => new Promise<void>((wake) => this.timers.push({ at: this.now + ms, wake }));
  async run(done: Promise<unknown>): Promise<void> {
    let finished = false;
    void done.then(() => (finished = true));
    while (!finished) {
      // Lets every promise chain settle (a macrotask runs only once the microtasks are drained).
      await new Promise((r) => setImmediate(r));
      if (finished || !this.timers.length) break;
      this.timers.sort((a, b) => a.at - b.at);
      const t = this.timers.shift()!;
      this.now = Math.max(this.now, t.at);
      t.wake();
    }
  }
}

/**
 * `assets` requests through `concurrency` workers, each answered `latencyMs` after it left, to
 * the simulator's own sliding-window counter (the request arrives up to 400 ms after it was
 * sent); a 429 is retried after the server's wait hint, as the transport does.
 */
async function simulate(opts: {
  rpm: number;
  serverRpm?: number;
  assets: number;
  concurrency: number;
  latencyMs: number;
  /** How long request i takes to reach the server (default up to 400 ms); at most latencyMs. */
  transit?: (i: number) => number;
}) {
  const clock = new VirtualClock();
  const limiter = new RateLimiter({ rpm: opts.rpm, now: () => clock.now, sleep: clock.sleep });
  const server = new ServiceLimits(() => ({ gemini: { rpm: opts.serverRpm ?? opts.rpm } }));
  const sent: number[] = [];
  let rejected = 0;
  let last = 0;
  let next = 0;
  const worker = async () => {
    while (next < opts.assets) {
      const i = next++;
      for (;;) {
        const permit = await limiter.acquire();
        sent.push(clock.now);
        const transit = opts.transit?.(i) ?? (i * 137) % 400;
        await clock.sleep(transit);
        const hit = server.check("gemini.generate", {} as SimState, clock.now);
        if (hit) {
          rejected++;
          limiter.throttled(hit.waitMs, permit);
          continue;
        }
        await clock.sleep(opts.latencyMs - transit);
        permit.answered();
        limiter.succeeded();
        last = Math.max(last, clock.now);
        break;
      }
    }
  };
  const all = Promise.all(Array.from({ length: opts.concurrency }, worker));
  await clock.run(all);
  await all;
  return { sent, rejected, last, rate: limiter.rate };
}

describe("RateLimiter against the simulator's sliding window (virtual time)", () => {
  it("40 requests at rpm 60 go as fast as the concurrency allows: nothing waits for the limiter", async () => {
    const r = await simulate({ rpm: 60, assets: 40, concurrency: 16, latencyMs: 1000 });
    expect(r.rejected).toBe(0);
    // Three rounds of 16 / 16 / 8, exactly what an unlimited client does.
    expect([0, 1000, 2000].map((t) => r.sent.filter((u) => u === t).length)).toEqual([16, 16, 8]);
    expect(r.last).toBe(3_000);
  });

  it("150 requests at rpm 60: the window's burst, then paced at the limit; within 5% of N/RPM and nothing rejected", async () => {
    const r = await simulate({ rpm: 60, assets: 150, concurrency: 16, latencyMs: 1000 });
    expect(r.rejected).toBe(0);
    // The sliding window's own floor: 60 at once, 60 more a minute later, the rest at two minutes.
    expect(r.last).toBeGreaterThanOrEqual(120_000);
    expect(r.last).toBeLessThanOrEqual(150_000 * 1.05);
    expect(r.last).toBeLessThan(126_000);
    // Never more than the rpm inside any 60 s window of sends.
    for (const t of r.sent) expect(r.sent.filter((u) => u > t - 60_000 && u <= t).length).toBeLessThanOrEqual(60);
  });

  it("requests that reach the server late (a loaded machine) never push the window over: a request counts until its answer came", async () => {
    // The first window's requests take 3 s to arrive, the later ones none: stamped at their
    // send, the second window would open while the first still counts at the server.
    const r = await simulate({ rpm: 60, assets: 150, concurrency: 64, latencyMs: 4000, transit: (i) => (i < 64 ? 3000 : 0) });
    expect(r.rejected).toBe(0);
    expect(r.last).toBeLessThanOrEqual(150_000 * 1.05);
  });

  it("a provider stricter than the configured rpm: 429s cut the budget (AIMD) and every request still lands", async () => {
    const r = await simulate({ rpm: 60, serverRpm: 40, assets: 150, concurrency: 16, latencyMs: 1000 });
    expect(r.rejected).toBeGreaterThan(0);
    expect(r.rejected).toBeLessThan(30);
    expect(r.rate!).toBeLessThan(60 * 0.97);
    // 150 at 40/min cannot finish before three minutes (the window's floor for 150 at 40).
    expect(r.last).toBeGreaterThanOrEqual(180_000);
  });
});
