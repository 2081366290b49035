import { createInterface } from "node:readline";
import type { Project } from "../core/project.js";
import { planProject } from "../engine/build/build.js";
import type { CliArgs } from "./cli-args.js";
import type { Io } from "./io.js";
import { usd } from "./style.js";

/**
 * `confirmAboveUsd`: on a terminal, a build whose estimate is over the threshold asks first.
 * Returns false when the user declines. Never asks without a terminal or with `--yes`.
 */
export async function confirmSpend(project: Project, args: CliArgs, io: Io): Promise<boolean> {
  const limit = project.config.confirmAboveUsd;
  if (limit === undefined || args.yes || !io.stdin?.isTTY || !io.stderr.isTTY) return true;
  const plan = await planProject(project, { only: args.only, retryRejected: args.retryRejected });
  if (plan.estimatedUsd <= limit) return true;
  const simulated = project.config.simulate ? " (simulated: nothing is charged)" : "";
  io.stderr.write(`This build would spend about ${usd(plan.estimatedUsd)}${simulated}, over confirmAboveUsd ${usd(limit)}. Build? [y/N] `);
  const rl = createInterface({ input: io.stdin });
  try {
    const answer = await new Promise<string>((resolve) => {
      rl.once("line", resolve);
      rl.once("close", () => resolve(""));
    });
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}
