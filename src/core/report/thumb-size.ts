/** Longest side of a thumbnail, in pixels. */
export const THUMB_MAX = 320;

/** The size of an image scaled to fit THUMB_MAX × THUMB_MAX (never enlarged). */
export function thumbSize(width: number, height: number, max = THUMB_MAX): { width: number; height: number } {
  if (!(width > 0 && height > 0)) return { width: max, height: max };
  const scale = Math.min(1, max / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}
