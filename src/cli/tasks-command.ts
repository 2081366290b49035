import { UserError } from "../core/errors/user-error.js";
import { stateDir } from "../engine/build/build.js";
import { loadProject } from "../engine/load/load.js";
import { forgetTask, listTasks } from "../engine/maintain/tasks.js";
import type { CliArgs } from "./cli-args.js";
import type { Io } from "./io.js";
import { plural, usd } from "./style.js";

/** `2h 5m`, `3d 4h`, `40s`: an age a person reads at a glance. */
export function age(ms: number): string {
  const s = Math.floor(ms / 1000);
  const units: [number, string][] = [
    [86_400, "d"],
    [3_600, "h"],
    [60, "m"],
    [1, "s"],
  ];
  const parts: string[] = [];
  let left = s;
  for (const [n, u] of units) {
    if (left >= n && parts.length < 2) {
      parts.push(`${Math.floor(left / n)}${u}`);
      left %= n;
    }
  }
  return parts.join(" ") || "0s";
}

/** `nanobanana tasks`: journalled tasks with age and state; `tasks forget ID`: settle one. */
export async function tasksCommand(args: CliArgs, io: Io): Promise<number> {
  const project = loadProject({ cwd: args.cwd, config: args.config });
  const dir = stateDir(project);
  const [sub, id, ...extra] = args.rest;
  if (sub === undefined) {
    const list = listTasks(project, dir, Date.now());
    if (args.json) {
      io.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
      return 0;
    }
    for (const t of list.tasks) {
      const what =
        t.state === "submitted" ? `task ${t.taskId}` : t.state === "empty" ? `task ${t.taskId} paid, no image` : "submit with no answer";
      const use =
        t.state === "empty"
          ? `nothing is submitted again until you run nanobanana tasks forget ${t.taskId}`
          : t.current
            ? "the next build collects it"
            : "spec changed since: collected into the store only";
      const failed = t.collectFailures ? `; collect failed ${t.collectFailures}×: ${t.lastError ?? "no message"}` : "";
      io.stdout.write(`${t.name}  ${t.provider}  ${what}  ${age(t.ageMs)} old  (${t.simulated ? "simulated; " : ""}${use}${failed})\n`);
    }
    for (const r of list.rejected) io.stdout.write(`ignored ${r.file}: ${r.problem}\n`);
    io.stdout.write(
      `${plural(list.tasks.length, "journalled task")}${list.tasks.length ? "; settle one with nanobanana tasks forget ID" : ""}\n`,
    );
    return 0;
  }
  if (sub !== "forget" || id === undefined || extra.length)
    throw new UserError(`usage: nanobanana tasks [forget ID]  (ID: a task id, an asset name or 8+ characters of a spec hash)`);
  const r = await forgetTask(project, dir, id, Date.now(), { dryRun: args.dryRun });
  if (args.json) {
    io.stdout.write(`${JSON.stringify({ ...r, dryRun: Boolean(args.dryRun) }, null, 2)}\n`);
    return 0;
  }
  const t = r.task;
  const verb = args.dryRun ? "would forget" : "forgot";
  io.stdout.write(
    `${verb} ${t.state === "unanswered" ? "an unanswered submit" : `task ${t.taskId}`} of ${t.name} (${t.provider}, ${age(t.ageMs)} old)\n`,
  );
  io.stdout.write(
    `cost: ${t.state === "empty" ? "it is paid (with no image)" : "the provider may already have charged it"}, and that is not refunded; ${
      r.resubmits
        ? `the next build submits ${t.name} again and pays about ${usd(r.resubmitUsd)} more`
        : "no current asset has its spec, so nothing is submitted again"
    }\n`,
  );
  return 0;
}
