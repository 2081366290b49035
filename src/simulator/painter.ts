/**
 * Paints the simulator's cards between its other work. A 1K card is ~8 ms of JavaScript; drawn
 * whole as each request arrived, it held the event loop while other requests waited to be read
 * and answers fell due, so a burst of 16 requests was answered over ~130 ms instead of together
 * (a remote service draws elsewhere). Cards are painted here in slices of at most about
 * SLICE_MS per turn of the event loop, oldest first: the pixels are the same, and reading
 * requests and sending answers wait for one slice at most.
 */
import { paintCard, type CardDrawing } from "../core/card/draw-card.js";

const SLICE_MS = 1;

interface Job {
  steps: Generator<void, Buffer, void>;
  resolve: (pixels: Buffer) => void;
  reject: (err: unknown) => void;
}

const queue: Job[] = [];
let scheduled = false;

/** The pixels of drawCard(opts), painted a slice at a time. */
export function paint(opts: CardDrawing): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    queue.push({ steps: paintCard(opts), resolve, reject });
    schedule();
  });
}

function schedule(): void {
  if (scheduled || queue.length === 0) return;
  scheduled = true;
  setImmediate(runSlice);
}

function runSlice(): void {
  scheduled = false;
  const until = performance.now() + SLICE_MS;
  do {
    const job = queue[0];
    try {
      const step = job.steps.next();
      if (!step.done) continue;
      queue.shift();
      job.resolve(step.value);
    } catch (err) {
      queue.shift();
      job.reject(err);
    }
  } while (queue.length > 0 && performance.now() < until);
  schedule();
}
