import { appendFileSync, readFileSync } from "node:fs";
import path from "node:path";
import type { CheckProblem, CheckReport } from "../core/check/check.js";
import type { BuildResult } from "../engine/build/events.js";
import type { Project } from "../core/project.js";

/** True when running as a GitHub Actions step. */
export function onGitHubActions(env: NodeJS.ProcessEnv): boolean {
  return env.GITHUB_ACTIONS === "true";
}

/** A file path as GitHub wants it in an annotation: relative to the workspace. */
function repoPath(project: Project, file: string, env: NodeJS.ProcessEnv): string {
  const base = env.GITHUB_WORKSPACE ?? process.cwd();
  return path.relative(base, path.resolve(project.root, file)).split(path.sep).join("/");
}

const escapeData = (s: string) => s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
const escapeProp = (s: string) => escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");

/** One workflow command, e.g. `::error file=assets/a.yaml,line=3,col=5,title=…::…`. */
export function annotation(
  level: "error" | "warning",
  message: string,
  where: { file?: string; line?: number; col?: number; title?: string },
): string {
  const props = Object.entries(where)
    .filter(([, v]) => v !== undefined && v !== "")
    .map(([k, v]) => `${k}=${escapeProp(String(v))}`)
    .join(",");
  return `::${level}${props ? ` ${props}` : ""}::${escapeData(message)}`;
}

/** The line of an asset's block in the lockfile (for orphans, which have no manifest line). */
function lockLine(project: Project, name: string): number | undefined {
  try {
    const lines = readFileSync(project.lockfile, "utf8").split("\n");
    const i = lines.findIndex((l) => l.startsWith(`    ${JSON.stringify(name)}: {`));
    return i >= 0 ? i + 1 : undefined;
  } catch {
    return undefined;
  }
}

/** Annotations for `build --check` problems, pointing at the manifest line (or the lockfile for orphans). */
export function checkAnnotations(project: Project, problems: CheckProblem[], env: NodeJS.ProcessEnv): string[] {
  return problems.map((p) => {
    const title = `nanobanana: ${p.kind}`;
    if (p.source)
      return annotation("error", `${p.name}: ${p.message}`, {
        file: repoPath(project, p.source.file, env),
        line: p.source.line,
        col: p.source.col,
        title,
      });
    return annotation("error", `${p.name}: ${p.message}`, {
      file: repoPath(project, path.relative(project.root, project.lockfile), env),
      line: lockLine(project, p.name),
      title,
    });
  });
}

/** Annotations for assets a build failed or that were blocked. */
export function buildAnnotations(project: Project, result: BuildResult, env: NodeJS.ProcessEnv): string[] {
  const sources = new Map(project.assets.map((a) => [a.name, a.source]));
  return result.assets
    .filter((a) => a.status === "failed" || a.status === "blocked")
    .map((a) => {
      const s = sources.get(a.name);
      return annotation("error", `${a.name}: ${a.status}: ${a.error ?? ""}`, {
        file: s && repoPath(project, s.file, env),
        line: s?.line,
        col: s?.col,
        title: `nanobanana: ${a.status}`,
      });
    });
}

/** Most changed assets the summary lists one by one (GitHub caps a step summary at 1 MiB). */
const CHANGED_ROWS = 200;
const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/`/g, "'");

/** The Markdown appended to $GITHUB_STEP_SUMMARY after a build: totals, the assets it changed with their cost, failures. */
export function stepSummary(result: BuildResult): string {
  const usd = (n: number) => `$${n.toFixed(n !== 0 && n < 0.01 ? 4 : 2)}`;
  const lines = [
    `### nanobanana build${result.simulated ? " (simulated)" : ""}`,
    "",
    "| generated | up to date | failed | blocked | skipped | spent |",
    "|---:|---:|---:|---:|---:|---:|",
    `| ${result.generated} | ${result.upToDate} | ${result.failed} | ${result.blocked} | ${result.skipped} | ${usd(result.costUsd)} |`,
    "",
  ];
  const models = Object.entries(result.costByModel);
  if (models.length) lines.push("| model | spent |", "|---|---:|", ...models.map(([m, c]) => `| ${m} | ${usd(c)} |`), "");
  const changed = result.assets.filter((a) => a.status === "generated");
  if (changed.length) {
    const shown = changed.slice(0, CHANGED_ROWS);
    lines.push(
      `**Changed (${changed.length}):**`,
      "",
      "| asset | output | cost |",
      "|---|---|---:|",
      ...shown.map((a) => `| \`${cell(a.name)}\` | \`${cell(a.output)}\` | ${a.restored ? "$0 (restored)" : usd(a.costUsd)} |`),
      ...(changed.length > shown.length ? [`| … and ${changed.length - shown.length} more | | |`] : []),
      "",
    );
  }
  const bad = result.assets.filter((a) => a.status === "failed" || a.status === "blocked");
  if (bad.length) lines.push("**Failed:**", "", ...bad.map((a) => `- \`${a.name}\` (${a.status}): ${a.error ?? ""}`), "");
  const skipped = result.assets.filter((a) => a.status === "skipped");
  if (skipped.length) lines.push("**Skipped:**", "", ...skipped.map((a) => `- \`${a.name}\`: ${a.error ?? ""}`), "");
  if (result.interrupted) lines.push(`Interrupted: ${result.leftRunning} task(s) left running; the next build collects them.`, "");
  return `${lines.join("\n")}\n`;
}

/** The Markdown appended to $GITHUB_STEP_SUMMARY after `build --check`. */
export function checkSummary(report: CheckReport): string {
  const head = report.ok
    ? `### nanobanana check: all ${report.checked} assets up to date`
    : `### nanobanana check: ${report.problems.length} of ${report.checked} assets not up to date`;
  const rows = report.problems.map(
    (p) => `| \`${p.name}\` | ${p.kind} | ${p.source ? `${p.source.file}:${p.source.line}` : "lockfile"} | ${p.message} |`,
  );
  const table = rows.length ? ["", "| asset | problem | where | detail |", "|---|---|---|---|", ...rows] : [];
  return `${[head, ...table, ""].join("\n")}\n`;
}

/** Appends `build --check`'s result to $GITHUB_STEP_SUMMARY when it is set. */
export function writeCheckSummary(report: CheckReport, env: NodeJS.ProcessEnv): void {
  const file = env.GITHUB_STEP_SUMMARY;
  if (file) appendFileSync(file, checkSummary(report));
}

/** Appends the build summary to $GITHUB_STEP_SUMMARY when it is set. */
export function writeStepSummary(result: BuildResult, env: NodeJS.ProcessEnv): void {
  const file = env.GITHUB_STEP_SUMMARY;
  if (file) appendFileSync(file, stepSummary(result));
}
