/** How one job of a dependency-ordered run ended: its output's content hash when it has one. */
export interface JobOutcome {
  ok: boolean;
  sha256?: string;
}

/**
 * Runs `job(name)` for every name once all of its upstreams (within `names`) have finished;
 * waiting holds no concurrency slot (the job applies its own limit). When an upstream fails,
 * `skip(name, upstream)` is called instead and nothing is run for that name. Names must be
 * free of cycles (checked at load).
 */
export async function runInOrder(
  names: readonly string[],
  upstreamOf: (name: string) => readonly string[],
  job: (name: string, upstream: Map<string, JobOutcome>) => Promise<JobOutcome>,
  skip: (name: string, failedUpstream: string) => JobOutcome,
): Promise<Map<string, JobOutcome>> {
  const inRun = new Set(names);
  const running = new Map<string, Promise<JobOutcome>>();
  const outcomes = new Map<string, JobOutcome>();
  const start = (name: string): Promise<JobOutcome> => {
    let p = running.get(name);
    if (!p) {
      p = (async () => {
        const ups = upstreamOf(name).filter((u) => inRun.has(u));
        const done = new Map<string, JobOutcome>();
        for (const [u, o] of await Promise.all(ups.map(async (u) => [u, await start(u)] as const))) done.set(u, o);
        const failed = ups.find((u) => !done.get(u)!.ok);
        const outcome = failed !== undefined ? skip(name, failed) : await job(name, done);
        outcomes.set(name, outcome);
        return outcome;
      })();
      running.set(name, p);
    }
    return p;
  };
  await Promise.all(names.map(start));
  return outcomes;
}

/** `names` plus everything downstream of them, given each name's downstream list. */
export function withDownstream(names: Iterable<string>, downstreamOf: (name: string) => readonly string[] | undefined): string[] {
  const out = new Set<string>(names);
  const queue = [...out];
  for (let i = 0; i < queue.length; i++) {
    for (const d of downstreamOf(queue[i]) ?? []) {
      if (!out.has(d)) {
        out.add(d);
        queue.push(d);
      }
    }
  }
  return [...out];
}
