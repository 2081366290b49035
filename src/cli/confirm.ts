import { createInterface } from "node:readline";
import type { Project } from "../core/project.js";
import type { Plan } from "../core/plan/types.js";
import type { CliArgs } from "./cli-args.js";
import type { Io } from "./io.js";
import { usd } from "./style.js";

/**
 * `confirmAboveUsd`: on a terminal, a build whose estimate is over the threshold asks first.
 * Returns the build's `confirm` question (it gets the build's own plan, so nothing plans
 * twice), or undefined when nothing is to be asked: no threshold, `--yes`, no terminal.
 */
export function spendQuestion(project: Project, args: CliArgs, io: Io): ((plan: Plan) => Promise<boolean>) | undefined {
  const limit = project.config.confirmAboveUsd;
  if (limit === undefined || args.yes || !io.stdin?.isTTY || !io.stderr.isTTY) return undefined;
  const stdin = io.stdin;
  return async (plan) => {
    if (plan.estimatedUsd <= limit) return true;
    const simulated = project.config.simulate ? " (simulated: nothing is charged)" : "";
    io.stderr.write(
      `This build would spend about ${usd(plan.estimatedUsd)}${simulated}, over confirmAboveUsd ${usd(limit)}. Build? [y/N] `,
    );
    const rl = createInterface({ input: stdin });
    try {
      const answer = await new Promise<string>((resolve) => {
        rl.once("line", resolve);
        rl.once("close", () => resolve(""));
      });
      return /^y(es)?$/i.test(answer.trim());
    } finally {
      rl.close();
    }
  };
}
