/**
 * Prompt markers that make the simulator misbehave on purpose, so blocks and failures can be
 * tested end to end through the real adapters (documented in README, "Providers"):
 * - `[[blocked]]`: the model refuses the output (Gemini `finishReason: IMAGE_SAFETY`, fal 422
 *   `content_policy_violation`, Revid `state: fail` with a safety message);
 * - `[[blocked-prompt]]`: Gemini refuses the prompt itself (`promptFeedback.blockReason`, no
 *   candidates); other providers treat it like `[[blocked]]`;
 * - `[[text-only]]`: Gemini answers with text and no image;
 * - `[[no-image]]`: Gemini ends with `finishReason: "NO_IMAGE"` and `content: {}` (no parts at
 *   all, as real answers do); other providers treat it like `[[blocked]]`;
 * - `[[fail]]`: the task fails (fal `COMPLETED` with `error`, Revid `state: fail`, Gemini 500);
 * - `[[blank]]`: the task succeeds, is charged, and its image is one flat colour at the right
 *   size (what a quality gate must catch), on every provider.
 */
export type PromptTrigger = "blocked" | "blocked-prompt" | "text-only" | "no-image" | "fail" | "blank";

const MARKER = /\[\[(blocked-prompt|blocked|text-only|no-image|fail|blank)\]\]/;

export function promptTrigger(prompt: string): PromptTrigger | undefined {
  return MARKER.exec(prompt)?.[1] as PromptTrigger | undefined;
}

/** The SimTask failure a trigger stands for (the fault injector may set one too). */
export function failureFor(trigger: PromptTrigger | undefined): { kind: "failed" | "blocked"; message: string } | undefined {
  if (trigger === "fail") return { kind: "failed", message: "Internal error while generating the image (simulated [[fail]])" };
  if (trigger === "blocked" || trigger === "blocked-prompt" || trigger === "no-image")
    return { kind: "blocked", message: "The request was flagged by the content safety system (simulated [[blocked]])" };
  return undefined;
}

/**
 * The simulator's API-key check. Any non-empty key is accepted, except one that starts with
 * `invalid` (so tests can exercise a rejected key without a real one).
 */
export function keyProblem(key: string | undefined): "missing" | "invalid" | undefined {
  if (!key?.trim()) return "missing";
  return key.startsWith("invalid") ? "invalid" : undefined;
}
