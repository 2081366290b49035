import type { PendingTask } from "../../src/engine/state/journal.js";

/** A spec hash made of one character: "a" → "aaa…a" (64). */
export const hash = (c: string) => c.repeat(64);

/** A Gemini submit intent for asset `c` (no task id: its answer is the image). */
export const intent = (c: string, extra: Partial<PendingTask> = {}): PendingTask => ({
  hash: hash(c),
  name: `asset-${c}`,
  provider: "gemini",
  taskId: "",
  key: `key-${c}`,
  submittedAt: "2026-12-03T10:00:00.000Z",
  simulated: true,
  ...extra,
});
