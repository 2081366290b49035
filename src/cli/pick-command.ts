import { UserError } from "../core/errors/user-error.js";
import { loadProject } from "../engine/load/load.js";
import { pick } from "../engine/pick/pick.js";
import type { CliArgs } from "./cli-args.js";
import type { Io } from "./io.js";

/** `nanobanana pick NAME K` / `pick NAME --clear`: makes a take the asset's output and says which. */
export async function pickCommand(args: CliArgs, io: Io): Promise<number> {
  const [name, kText, ...extra] = args.rest;
  if (!name) throw new UserError("usage: nanobanana pick NAME K (or pick NAME --clear)");
  if (extra.length) throw new UserError(`pick takes NAME and K, not also ${extra.join(" ")}`);
  if (args.clear === (kText !== undefined))
    throw new UserError(args.clear ? "pick --clear takes no K" : `pick ${name} needs the number of a take (K), or --clear`);
  const k = kText === undefined ? undefined : /^\d+$/.test(kText) ? Number(kText) : Number.NaN;
  if (Number.isNaN(k)) throw new UserError(`K is the number of a take (1, 2, …), not ${JSON.stringify(kText)}`);
  const project = loadProject({ cwd: args.cwd, config: args.config });
  const r = await pick(project, name, k, {
    wait: args.wait,
    onWait: (h) => io.stderr.write(`waiting for the ${h.command} (pid ${h.pid}) running in this project…\n`),
  });
  if (args.json) io.stdout.write(`${JSON.stringify(r)}\n`);
  else
    io.stdout.write(
      r.cleared
        ? `${r.name}: pick cleared; ${r.output} is take 1 again (${r.take})\n`
        : `${r.name}: picked take ${r.picked}; ${r.output} is a copy of ${r.take}, recorded in the lockfile\n`,
    );
  return 0;
}
