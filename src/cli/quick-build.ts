import { onlyPlainOptions } from "../engine/build/plain-noop.js";
import { quickNoop } from "../engine/build/quick-noop.js";
import { buildJson, loadOverrides } from "./build-output.js";
import type { CliArgs } from "./cli-args.js";
import { onGitHubActions } from "./github-summary.js";
import type { Io } from "./io.js";
import { ProgressRenderer, nothingToBuildLine, summaryLines } from "./render.js";
import { makeStyle } from "./style.js";

/** What a plain `build` may be given: anything else (--only, --verify, --batch, an option added later…) runs the full build. */
const PLAIN = new Set(["command", "rest", "cwd", "config", "json", "simulate", "wait", "concurrency", "yes", "maxCost", "fitBudget"]);

/**
 * `build` when the no-op stamp proves there is nothing to do: the same output as the full
 * build's, from a few reads and a stat per output. Undefined when the full build must run
 * (any option beyond the plain ones, a GitHub Actions step, or anything the stamp does not match).
 */
export async function quickBuild(args: CliArgs, io: Io): Promise<number | undefined> {
  if (!onlyPlainOptions(args, PLAIN) || onGitHubActions(io.env)) return undefined;
  const style = makeStyle(io.stderr, io.env);
  const renderer = args.json ? undefined : new ProgressRenderer(io.stderr, style);
  const result = await quickNoop({
    cwd: args.cwd,
    config: args.config,
    overrides: loadOverrides(args),
    wait: args.wait,
    onWait: (holder) =>
      renderer
        ? renderer.handle({ type: "waiting", holder })
        : io.stderr.write(`another nanobanana ${holder.command} is running here (pid ${holder.pid}); waiting for it…\n`),
  });
  if (!result) return undefined;
  if (renderer) {
    io.stderr.write(`${nothingToBuildLine(result.upToDate)}\n`);
    renderer.end();
    for (const line of summaryLines(result, style)) io.stderr.write(`${line}\n`);
  } else io.stdout.write(buildJson(result));
  return 0;
}
