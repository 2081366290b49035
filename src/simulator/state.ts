import { randomBytes } from "node:crypto";
import type { ImageFormat } from "../core/catalog/models.js";

/** One paid task the simulator accepted. */
export interface SimTask {
  id: string;
  provider: string;
  /** The provider's model id as requested. */
  modelId: string;
  prompt: string;
  width: number;
  height: number;
  format: ImageFormat;
  createdAt: number;
  /** When the task finishes (ms since epoch). */
  readyAt: number;
  costUsd: number;
  credits?: number;
  /** Set when the task is made to fail or be blocked. */
  failure?: { kind: "failed" | "blocked"; message: string };
  /** Key identifying the image content: same request, same image. */
  imageKey: string;
  /** Short line shown on the card. */
  title: string;
  /** Reference images that were uploaded to this simulator (upload ids), drawn into the result. */
  references?: string[];
  /** Reference images sent inline (Gemini), kept only for an edit to a plain backdrop, which draws from them. */
  inlineImages?: Buffer[];
}

/** One entry of the ledger: what a real service would have charged. */
export interface Charge {
  provider: string;
  model: string;
  taskId: string;
  prompt: string;
  costUsd: number;
}

/** The simulator's memory: tasks, the ledger, and request counts per route. */
export class SimState {
  readonly tasks = new Map<string, SimTask>();
  readonly charges: Charge[] = [];
  readonly requests = new Map<string, number>();
  /** Reference images uploaded to POST /__simulator/uploads, by `<sha256>.<ext>`. */
  readonly uploads = new Map<string, { data: Buffer; mimeType: string }>();
  /** Reference URLs downloaded from a `fetchOrigins` origin, in order, with what they held. */
  readonly fetched: Array<{ url: string; sha256: string; bytes: number }> = [];
  /** Task id by Idempotency-Key (only with the idempotency option). */
  readonly byIdempotencyKey = new Map<string, string>();
  /** Gemini answers whose images began drawing as their request arrived (see startDrawing). */
  drawingsStarted = 0;
  private seq = 0;
  /** Run by reset(), for state that protocols keep beside this one (Gemini batches and files). */
  readonly resetHooks: Array<() => void> = [];
  /** Called on every accepted task before it is charged (the fault injector marks failures). */
  onAccept?: (task: SimTask) => void;

  newId(prefix = ""): string {
    return `${prefix}${(++this.seq).toString(36).padStart(4, "0")}${randomBytes(6).toString("hex")}`;
  }

  /** Records an accepted task and charges for it, as a real service does on acceptance. */
  accept(task: SimTask): void {
    this.onAccept?.(task);
    this.tasks.set(task.id, task);
    this.charges.push({ provider: task.provider, model: task.modelId, taskId: task.id, prompt: task.prompt, costUsd: task.costUsd });
  }

  /** Records and charges a task that a batch job ran (no fault hook: its fate was decided at create). */
  charge(task: SimTask): void {
    this.tasks.set(task.id, task);
    this.charges.push({ provider: task.provider, model: task.modelId, taskId: task.id, prompt: task.prompt, costUsd: task.costUsd });
  }

  count(route: string): void {
    this.requests.set(route, (this.requests.get(route) ?? 0) + 1);
  }

  reset(): void {
    this.tasks.clear();
    this.charges.length = 0;
    this.requests.clear();
    this.byIdempotencyKey.clear();
    this.fetched.length = 0;
    this.drawingsStarted = 0;
    for (const hook of this.resetHooks) hook();
  }
}
