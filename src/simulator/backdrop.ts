import sharp from "sharp";
import { renderCard } from "./card.js";
import type { SimTask } from "./state.js";

/** A plain backdrop a prompt asks for: what `background: transparent` generates on, then edits to. */
export type Backdrop = "white" | "black";

/**
 * The backdrop a prompt asks for, by the wording nanobanana's transparent assets use
 * ("… a pure white background (#FFFFFF) …", the edit "… a pure black background (#000000) …").
 */
export function backdropAsked(prompt: string): Backdrop | undefined {
  if (/pure black background \(#000000\)/i.test(prompt)) return "black";
  if (/pure white background \(#FFFFFF\)/i.test(prompt)) return "white";
  return undefined;
}

/** Where the subject sits: the middle, a fifth of the shorter side in from every edge. */
function subjectBox(width: number, height: number): { left: number; top: number; width: number; height: number } {
  const m = Math.round(Math.min(width, height) / 5);
  return { left: m, top: m, width: Math.max(1, width - 2 * m), height: Math.max(1, height - 2 * m) };
}

/**
 * A subject on a plain backdrop, as a well-behaved model draws it: the card on pure white; and
 * for an edit to black, the same subject cut from the reference (the white image), pixel for
 * pixel, on pure black, so a difference matte of the two is transparent around an opaque
 * subject. Deterministic.
 */
export async function backdropImage(task: SimTask, backdrop: Backdrop, refs: Buffer[]): Promise<Buffer> {
  const { width, height, format } = task;
  const box = subjectBox(width, height);
  const subject =
    backdrop === "black" && refs[0]
      ? await sharp(refs[0]).resize(width, height, { fit: "fill" }).extract(box).png().toBuffer()
      : await renderCard({
          width: box.width,
          height: box.height,
          format: "png",
          title: task.title,
          text: task.prompt,
          seed: task.imageKey,
        });
  return sharp({ create: { width, height, channels: 3, background: backdrop === "white" ? "#ffffff" : "#000000" } })
    .composite([{ input: subject, left: box.left, top: box.top }])
    .toFormat(format)
    .toBuffer();
}
