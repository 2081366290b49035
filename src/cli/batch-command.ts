import { UserError } from "../core/errors/user-error.js";
import { stateDir } from "../engine/build/build.js";
import { cancelBatchJobs } from "../engine/batch/jobs.js";
import { connect } from "../engine/providers/connect.js";
import { loadProject } from "../engine/load/load.js";
import type { CliArgs } from "./cli-args.js";
import type { Io } from "./io.js";
import { usd } from "./style.js";

/** `nanobanana batch cancel`: cancels the project's running batch jobs and says what was already paid. */
export async function batchCommand(args: CliArgs, io: Io): Promise<number> {
  if (args.rest[0] !== "cancel") throw new UserError("usage: nanobanana batch cancel");
  const project = loadProject({ cwd: args.cwd, config: args.config, overrides: { simulate: args.simulate || undefined } });
  if (project.config.provider !== "gemini")
    throw new UserError(`batch jobs exist only with provider: gemini (this project uses ${project.config.provider})`);
  const conn = await connect(project, { env: io.env });
  try {
    const jobs = await cancelBatchJobs(project, stateDir(project), conn);
    const paid = jobs.reduce((s, j) => s + j.paidUsd, 0);
    if (args.json) {
      io.stdout.write(`${JSON.stringify({ jobs, paidUsd: paid }, null, 2)}\n`);
      return 0;
    }
    if (jobs.length === 0) io.stdout.write("no batch jobs in flight\n");
    for (const j of jobs)
      io.stdout.write(
        `${j.jobName ?? j.displayName}: ${j.state.toLowerCase()}, ${j.succeeded} of ${j.requests} requests done (${usd(j.paidUsd)} paid)${j.problem ? ` (${j.problem})` : ""}\n`,
      );
    if (jobs.length)
      io.stdout.write(
        `${usd(paid)} already paid for finished requests; the next build collects their images at no extra cost and submits the rest again\n`,
      );
    return 0;
  } finally {
    await conn.close();
  }
}
