import { buildAnnotations, onGitHubActions, writeStepSummary } from "./github-summary.js";
import type { BudgetExceededError } from "../engine/build/budget.js";
import type { BuildResult } from "../engine/build/events.js";
import type { Project } from "../core/project.js";
import type { Io } from "./io.js";
import { usd } from "./style.js";

/** On GitHub Actions: failure annotations on stdout, and the Markdown summary appended to $GITHUB_STEP_SUMMARY. */
export function reportToCi(project: Project, result: BuildResult, io: Io): void {
  if (!onGitHubActions(io.env)) return;
  for (const line of buildAnnotations(project, result, io.env)) io.stdout.write(`${line}\n`);
  writeStepSummary(result, io.env);
}

/** The estimate behind a budget refusal, by model and resolution. */
export function budgetLines(err: BudgetExceededError): string[] {
  return [
    "estimate by model and resolution:",
    ...err.lines.map(
      (l) =>
        `  ${`${l.model} ${l.resolution}`.padEnd(22)} ${String(l.count).padStart(6)} × ≈ ${`$${(l.usd / l.count).toFixed(3)}`.padStart(8)} = ${usd(l.usd).padStart(9)}`,
    ),
    `  total ${usd(err.estimateUsd)}, budget ${usd(err.maxUsd)}`,
  ];
}
