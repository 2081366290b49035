import { formatIssue } from "../core/errors/user-error.js";
import { needsGeneration } from "../core/plan/types.js";
import path from "node:path";
import { loadProject } from "../engine/load/load.js";
import type { LiveReport } from "../engine/report/live-server.js";
import { watch } from "../engine/watch/session.js";
import type { WatchEvent, Watcher } from "../engine/watch/types.js";
import type { CliArgs } from "./cli-args.js";
import { InProcessSimulator } from "./in-process-simulator.js";
import type { Io } from "./io.js";
import { ProgressRenderer, summaryLines } from "./render.js";
import { makeStyle } from "./style.js";

/**
 * `nanobanana watch`: builds, then rebuilds what a save changed. Shows what changed, what is
 * building and where each new file is; `q` or Ctrl-C stops, recording what is in flight.
 */
export async function watchCommand(args: CliArgs, io: Io): Promise<number> {
  const style = makeStyle(io.stderr, io.env);
  const out = (line: string) => io.stderr.write(`${line}\n`);
  const clock = () => style.dim(new Date().toTimeString().slice(0, 8));
  let renderer: ProgressRenderer | undefined;
  const show = (e: WatchEvent) => {
    switch (e.type) {
      case "ready":
        out(
          `${clock()} watching ${e.manifests} manifest${e.manifests === 1 ? "" : "s"} and ${e.references} reference image${e.references === 1 ? "" : "s"} in ${e.root}; save to rebuild, ${process.stdin.isTTY ? "q" : "Ctrl-C"} to quit`,
        );
        break;
      case "change":
        out(`${clock()} changed: ${e.files.join(", ") || "(files)"}`);
        break;
      case "build-start":
        renderer = new ProgressRenderer(io.stderr, style);
        break;
      case "build":
        if (e.event.type === "plan") {
          const work = e.event.plan.items.filter((i) => needsGeneration(i.action));
          for (const i of work.slice(0, 20)) out(style.dim(`  ${i.action} ${i.name}: ${i.reason}`));
          if (work.length > 20) out(style.dim(`  … and ${work.length - 20} more`));
        }
        renderer?.handle(e.event);
        break;
      case "build-end":
        renderer?.end();
        for (const line of summaryLines(e.result, style)) out(line);
        break;
      case "error":
        out(`${clock()} ${style.red("error")}: the project does not load; keeping the last good state and watching`);
        for (const line of e.issues?.map(formatIssue) ?? [e.message]) out(`  ${line}`);
        break;
      case "closed":
        out(
          e.interrupted
            ? "stopped: tasks already submitted are recorded in .nanobanana/tasks; the next build collects them at no extra cost"
            : "stopped",
        );
        break;
    }
  };
  const simulator = new InProcessSimulator();
  const w = watch({
    simulatorUrl: simulator.url,
    cwd: args.cwd,
    config: args.config,
    overrides: { simulate: args.simulate || undefined },
    concurrency: args.concurrency,
    env: io.env,
    onEvent: show,
  });
  const served = args.serve ? await serveLive(args, w, out) : undefined;
  const stop = new Promise<void>((resolve) => {
    const quit = () => resolve();
    process.once("SIGINT", quit);
    process.once("SIGTERM", quit);
    const stdin = process.stdin;
    if (stdin.isTTY) {
      stdin.setRawMode(true);
      stdin.resume();
      stdin.on("data", (d: Buffer) => {
        const k = d.toString();
        if (k === "q" || k === "Q" || k === "\u0003") quit();
      });
    }
  });
  try {
    await Promise.race([w.ready, stop]);
    await stop;
  } finally {
    if (process.stdin.isTTY) {
      process.stdin.setRawMode(false);
      process.stdin.pause();
    }
    await served?.close();
    await w.close();
    await simulator.close();
  }
  return 0;
}

/** `watch --serve`: the live page on 127.0.0.1, following the watch session's builds. */
async function serveLive(args: CliArgs, w: Watcher, out: (line: string) => void): Promise<LiveReport> {
  const { serveLiveReport } = await import("../engine/report/live-server.js");
  const loadOpts = { cwd: args.cwd, config: args.config, overrides: { simulate: args.simulate || undefined } };
  const load = () => {
    try {
      return loadProject(loadOpts);
    } catch {
      return undefined; // the watch session reports why; the page keeps the last good state
    }
  };
  const root = load()?.root ?? path.resolve(args.cwd);
  const pickTake = async (name: string, k: number) => {
    const { pick } = await import("../engine/pick/pick.js");
    // Waits for a build in progress: its lockfile writes would otherwise overwrite the pick.
    const r = await pick(loadProject(loadOpts), name, k, { wait: true });
    out(`${r.name}: picked take ${r.picked} on the live page; ${r.output} is a copy of ${r.take}`);
  };
  const live = await serveLiveReport({ watcher: w, load, root, port: args.port, pick: pickTake });
  out(`live page: ${live.url}  (127.0.0.1 only; the token in the URL is the key)`);
  return live;
}
