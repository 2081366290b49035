import path from "node:path";
import { parseLock } from "../core/lock/parse.js";
import { emptyLock } from "../core/lock/types.js";
import { diffAgainst } from "../core/plan/diff.js";
import { planProject } from "../engine/build/build.js";
import { loadProject } from "../engine/load/load.js";
import { fileAt, resolveRef } from "../engine/report/git.js";
import { readLock } from "../engine/state/read-lock.js";
import type { CliArgs } from "./cli-args.js";
import type { Io } from "./io.js";
import { makeStyle, usd } from "./style.js";

/**
 * `nanobanana diff [REF]`: assets added, changed (which spec fields) and removed against the
 * lockfile at a git ref (default HEAD), with what each change took or would take.
 */
export async function diffCommand(args: CliArgs, io: Io): Promise<number> {
  const ref = args.rest[0] ?? "HEAD";
  const project = loadProject({ cwd: args.cwd, config: args.config, overrides: { simulate: args.simulate || undefined } });
  const relLock = path.relative(project.root, project.lockfile).split(path.sep).join("/");
  const commit = await resolveRef(project.root, ref);
  const old = await fileAt(project.root, commit, relLock);
  const before = old ? parseLock(old.toString("utf8"), `${ref}:${relLock}`) : emptyLock();
  const now = readLock(project.lockfile, relLock);
  const plan = await planProject(project);
  const estimate = new Map(plan.items.map((i) => [i.name, i.estimatedUsd]));
  const rows = diffAgainst(project.assets, before, now, estimate);
  const count = (c: string) => rows.filter((r) => r.change === c).length;
  const total = Math.round(rows.reduce((s, r) => s + r.usd, 0) * 1e6) / 1e6;
  if (args.json) {
    io.stdout.write(
      `${JSON.stringify({ ref, added: count("added"), changed: count("changed"), removed: count("removed"), usd: total, assets: rows }, null, 2)}\n`,
    );
    return 0;
  }
  const style = makeStyle(io.stdout, io.env);
  const mark = { added: style.green("+"), changed: style.yellow("~"), removed: style.red("-") };
  for (const r of rows) {
    const what = r.change === "changed" ? `changed: ${r.fields?.join(", ") || "spec"}` : r.change;
    const cost = r.cost === "none" ? "" : ` (${r.cost} ${usd(r.usd)})`;
    io.stdout.write(`${mark[r.change]} ${r.name}: ${what}${cost}\n`);
  }
  io.stdout.write(`${count("added")} added, ${count("changed")} changed, ${count("removed")} removed since ${ref}; ${usd(total)}\n`);
  return 0;
}
