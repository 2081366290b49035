import { describe, expect, it } from "vitest";
import { drawCard, paintCard } from "../../src/core/card/draw-card.js";
import { paint } from "../../src/simulator/painter.js";

const card = (seed: string, width = 1024, height = 1024) => ({
  width,
  height,
  format: "jpeg",
  title: "nano-banana-2 · 1K · 1:1",
  text: "a banana on a desk, soft light, a long prompt that wraps over several lines of the card",
  seed,
});

describe("the simulator's painter", () => {
  it("paints exactly drawCard's pixels, in several steps", async () => {
    const opts = card("same-pixels");
    let steps = 0;
    const gen = paintCard(opts);
    for (let s = gen.next(); !s.done; s = gen.next()) steps++;
    expect(steps).toBeGreaterThan(3); // the background in bands, then each line of text
    expect((await paint(opts)).equals(drawCard(opts))).toBe(true);
  });

  it("lets the event loop turn while a card is painted (a server keeps reading and answering)", async () => {
    // A 4K card is 48 MB of pixels: far more than one slice, on any machine.
    const painting = paint(card("busy", 4096, 4096));
    let turns = 0;
    let painted = false;
    void painting.then(() => (painted = true));
    const ticker = () => {
      if (painted) return;
      turns++;
      setImmediate(ticker);
    };
    setImmediate(ticker);
    await painting;
    expect(turns).toBeGreaterThan(1);
  });

  it("finishes the oldest card first and reports a bad size as its own failure", async () => {
    const order: string[] = [];
    const a = paint(card("first")).then(() => order.push("first"));
    const bad = paint(card("bad", 0, 10)).catch((err: Error) => order.push(`bad: ${err.message}`));
    const b = paint(card("second")).then(() => order.push("second"));
    await Promise.all([a, bad, b]);
    expect(order[0]).toBe("first");
    expect(order).toContain("second");
    expect(order.find((o) => o.startsWith("bad"))).toMatch(/width must be an integer/);
  });
});
