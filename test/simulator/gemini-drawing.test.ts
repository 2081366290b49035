import { afterEach, describe, expect, it } from "vitest";
import { GOOGLE_MODEL_IDS } from "../../src/core/catalog/models.js";
import { startSimulator, type Simulator } from "../../src/simulator/server.js";

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const generate = (s: Simulator, prompt: string, signal?: AbortSignal) =>
  fetch(`${s.url}/v1beta/models/${GOOGLE_MODEL_IDS["nano-banana-2"]}:generateContent`, {
    method: "POST",
    headers: { "x-goog-api-key": "simulator-key", "content-type": "application/json" },
    body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: prompt }] }] }),
    signal,
  });

/** Turns of the event loop until `done()` holds (an event, not a guessed delay); throws after many. */
async function until(done: () => boolean): Promise<void> {
  for (let turns = 0; !done(); turns++) {
    if (turns > 200_000) throw new Error("never happened");
    await new Promise((r) => setImmediate(r));
  }
}

describe("the Gemini route draws during its latency", () => {
  it("starts drawing the image as the request arrives, long before the answer is due", async () => {
    sim = await startSimulator({ latencyMs: 60_000 });
    const stop = new AbortController();
    let answered = false;
    const pending = generate(sim, "a banana on a desk", stop.signal).then(
      () => (answered = true),
      () => undefined,
    );
    await until(() => sim!.state.drawingsStarted === 1);
    // Drawn, not yet answered, not yet charged: the answer comes when the minute has passed.
    expect(answered).toBe(false);
    expect(sim.ledger()).toEqual([]);
    stop.abort();
    await pending;
  });

  it("answers with the image drawn early, and draws nothing for an answer without one", async () => {
    sim = await startSimulator({ latencyMs: 0 });
    const res = await generate(sim, "a banana on a desk");
    const body = (await res.json()) as {
      candidates: Array<{ content: { parts: Array<{ inlineData?: { mimeType: string; data: string }; thought?: boolean }> } }>;
    };
    const parts = body.candidates[0].content.parts;
    const image = parts.find((p) => p.inlineData && !p.thought)!.inlineData!;
    expect(image.mimeType).toBe("image/jpeg");
    expect(Buffer.from(image.data, "base64").subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    expect(parts.some((p) => p.thought && p.inlineData)).toBe(true);
    expect(sim.state.drawingsStarted).toBe(1);
    const blocked = (await (await generate(sim, "a banana [[blocked-prompt]]")).json()) as { promptFeedback?: unknown };
    expect(blocked.promptFeedback).toEqual({ blockReason: "PROHIBITED_CONTENT" });
    expect(sim.state.drawingsStarted).toBe(1);
    expect(sim.ledger()).toHaveLength(2);
  });
});
