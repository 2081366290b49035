import dc from "node:diagnostics_channel";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { build } from "../../../src/engine/build/build.js";
import { ProviderPlace } from "../../../src/engine/build/provider-place.js";
import { loadProject } from "../../../src/engine/load/load.js";
import { ConcurrencyGate } from "../../../src/engine/transport/rate-limit.js";
import { simulatorPerTest, tempProject } from "../../helpers/fault-project.js";

const startSim = simulatorPerTest();
const turn = () => new Promise((r) => setImmediate(r));

describe("ProviderPlace", () => {
  it("is taken once, freed once, and taken anew after an answer freed it", async () => {
    const gate = new ConcurrencyGate(1);
    const a = new ProviderPlace(gate);
    const b = new ProviderPlace(gate);
    await a.take();
    await a.take(); // held: no second place
    let bHas = false;
    const bTakes = b.take().then(() => (bHas = true));
    await turn();
    expect(bHas).toBe(false);
    await a.answered(); // the answer is in: b gets the place
    await bTakes;
    expect(bHas).toBe(true);
    expect(a.free()).toBe(false); // nothing left to free
    // a's submit sent again (a garbled answer) waits for a place like anyone else.
    let aAgain = false;
    const aTakes = a.take().then(() => (aAgain = true));
    await turn();
    expect(aAgain).toBe(false);
    expect(b.free()).toBe(true);
    await aTakes;
    expect(aAgain).toBe(true);
  });
});

/** Gemini requests in flight at the transport (created, last byte not yet in), and their peak. */
function watchGeminiRequests(timeline: string[]) {
  let inFlight = 0;
  let peak = 0;
  const mine = new WeakSet<object>();
  const created = ({ request }: { request: { path: string; method: string } }) => {
    if (request.method !== "POST" || !request.path.includes(":generateContent")) return;
    mine.add(request);
    peak = Math.max(peak, ++inFlight);
    timeline.push("request");
  };
  const ended = ({ request }: { request: object }) => {
    if (mine.delete(request)) inFlight--;
  };
  dc.subscribe("undici:request:create", created as never);
  dc.subscribe("undici:request:trailers", ended as never);
  dc.subscribe("undici:request:error", ended as never);
  return {
    peak: () => peak,
    stop() {
      dc.unsubscribe("undici:request:create", created as never);
      dc.unsubscribe("undici:request:trailers", ended as never);
      dc.unsubscribe("undici:request:error", ended as never);
    },
  };
}

function geminiProject(assets: number, concurrency: number): string {
  const root = tempProject({ assets, concurrency });
  writeFileSync(
    path.join(root, "nanobanana.config.yaml"),
    `provider: gemini\nsimulate: true\nconcurrency: ${concurrency}\n` +
      'defaults: { model: nano-banana-2, resolution: 1K, aspectRatio: "1:1", format: jpeg }\n' +
      "providers:\n  gemini: { timeoutMs: 2000 }\n",
  );
  return root;
}

describe("a Gemini answer frees its place when its bytes are in", () => {
  let watch: ReturnType<typeof watchGeminiRequests> | undefined;
  afterEach(() => watch?.stop());

  it("the next asset's request is made before the answer that freed the place is read", async () => {
    const sim = await startSim({ latencyMs: 0 });
    const timeline: string[] = [];
    watch = watchGeminiRequests(timeline);
    const result = await build(loadProject({ cwd: geminiProject(3, 1) }), {
      simulatorUrl: sim.url,
      onEvent: (e) => void (e.type === "submitted" && timeline.push("submitted")),
    });
    expect(result.generated).toBe(3);
    // Without the early release the order would be request, submitted, request, submitted, …
    expect(timeline).toEqual(["request", "request", "submitted", "request", "submitted", "submitted"]);
    expect(watch.peak()).toBe(1);
    expect(sim.ledger()).toHaveLength(3);
  });

  it("a submit sent again after a garbled answer waits for a place: never more requests in flight than the concurrency", async () => {
    const sim = await startSim({ latencyMs: 20, faults: "gemini.generate:malformed@1" });
    watch = watchGeminiRequests([]);
    const result = await build(loadProject({ cwd: geminiProject(6, 2) }), { simulatorUrl: sim.url });
    expect(result.generated).toBe(6);
    expect(sim.requestCounts()["gemini.generateContent"]).toBe(7);
    expect(sim.ledger()).toHaveLength(7); // the garbled answer's task was charged too
    expect(result.possibleDuplicates).toHaveLength(1);
    expect(watch.peak()).toBe(2);
  });
});
