import { stateDir } from "../engine/build/build.js";
import { loadProject } from "../engine/load/load.js";
import { missingFromRemote, pull, push } from "../engine/remote/sync.js";
import type { CliArgs } from "./cli-args.js";
import type { Io } from "./io.js";
import { plural } from "./style.js";

function load(args: CliArgs) {
  return loadProject({ cwd: args.cwd, config: args.config, overrides: { simulate: args.simulate || undefined } });
}

/** `nanobanana pull [--only GLOB]`: exit 1 when some lock entry could not be restored. */
export async function pullCommand(args: CliArgs, io: Io): Promise<number> {
  const project = load(args);
  const started = Date.now();
  const r = await pull(project, stateDir(project), {
    only: args.only,
    concurrency: args.concurrency,
    wait: args.wait,
    onProblem: (m) => io.stderr.write(`warning: ${m}\n`),
  });
  const seconds = (Date.now() - started) / 1000;
  if (args.json) {
    io.stdout.write(`${JSON.stringify({ ...r, seconds }, null, 2)}\n`);
  } else {
    for (const n of r.missing) io.stderr.write(`missing ${n}: neither the local store nor the remote holds its image\n`);
    io.stderr.write(
      `${plural(r.fromRemote.length, "image")} from the remote (${(r.bytes / 1e6).toFixed(1)} MB), ${r.fromStore.length} from the local store, ${r.present.length} already in place${r.missing.length ? `, ${r.missing.length} missing` : ""}\n`,
    );
  }
  return r.missing.length ? 1 : 0;
}

/** `nanobanana push`: exit 1 when something could not be uploaded. */
export async function pushCommand(args: CliArgs, io: Io): Promise<number> {
  const project = load(args);
  const r = await push(project, stateDir(project), {
    only: args.only,
    concurrency: args.concurrency,
    onProblem: (m) => io.stderr.write(`warning: ${m}\n`),
  });
  if (args.json) {
    io.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
  } else {
    for (const n of r.missing)
      io.stderr.write(`missing ${n}: its image is neither in its output nor in the local store; run pull or build\n`);
    io.stderr.write(
      `pushed ${plural(r.pushed.length, "image")}, ${r.present.length} already in the remote${r.missing.length ? `, ${r.missing.length} missing locally` : ""}${r.failed.length ? `, ${r.failed.length} failed` : ""}\n`,
    );
  }
  return r.failed.length || r.missing.length ? 1 : 0;
}

/** The `--remote` half of `build --check`: names of lock entries the remote lacks. */
export function notInRemote(args: CliArgs): Promise<string[]> {
  return missingFromRemote(load(args), { only: args.only, concurrency: args.concurrency });
}
