/**
 * Difference matting: the same subject on pure white (W) and on pure black (B). Over white a
 * pixel is a·C + (1-a)·255, over black a·C, so W - B = (1-a)·255 per channel: alpha is
 * 1 - (W - B)/255 (averaged over the channels, clamped) and the colour is B / alpha. Pure
 * arithmetic on raw RGB(A) pixels of one size; returns RGBA.
 */
export function differenceMatte(white: Uint8Array, black: Uint8Array, pixels: number, channels: { white: number; black: number }): Buffer {
  const out = Buffer.alloc(pixels * 4);
  const cw = channels.white;
  const cb = channels.black;
  for (let p = 0; p < pixels; p++) {
    const w = p * cw;
    const b = p * cb;
    const diff = white[w] - black[b] + (white[w + 1] - black[b + 1]) + (white[w + 2] - black[b + 2]);
    const alpha = Math.min(255, Math.max(0, Math.round(255 - diff / 3)));
    const o = p * 4;
    out[o + 3] = alpha;
    if (alpha === 0) continue;
    for (let c = 0; c < 3; c++) out[o + c] = Math.min(255, Math.round((black[b + c] * 255) / alpha));
  }
  return out;
}
