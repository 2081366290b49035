import { ConfigError, UserError } from "../core/errors/user-error.js";
import { parseCli } from "./args.js";
import { findCommand } from "./command-table.js";
import { commandHelp, overviewHelp } from "./help.js";
import type { Io } from "./io.js";

/** Runs the CLI; returns the exit code (0 ok, 1 assets failed or stale, 2 usage/config error). */
export async function main(argv: string[], io: Io): Promise<number> {
  // The AWS SDK (remote stores) warns on every run under Node 20 about its own future releases; not the user's concern.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  // Known before parsing, so that even a usage error is answered in JSON under --json.
  const json = argv.includes("--json");
  try {
    const args = parseCli(argv);
    if (args.version) {
      const { version } = await import("./commands.js");
      io.stdout.write(`${version()}\n`);
      return 0;
    }
    const spec = findCommand(args.command === "help" ? (args.rest[0] ?? "") : args.command);
    if (args.help || args.command === "help" || !spec) {
      io.stdout.write(`${spec ? commandHelp(spec) : overviewHelp()}\n`);
      return 0;
    }
    return await spec.run(args, io);
  } catch (err) {
    if (json && err instanceof UserError) {
      const issues = err instanceof ConfigError ? err.issues : [];
      io.stdout.write(`${JSON.stringify({ error: { message: err.message, issues } }, null, 2)}\n`);
      return 2;
    }
    if (err instanceof ConfigError) {
      io.stderr.write(`${err.issues.length === 1 ? "error" : `${err.issues.length} errors`} in the project:\n${err.message}\n`);
      return 2;
    }
    if (err instanceof UserError) {
      io.stderr.write(`error: ${err.message}\n`);
      return 2;
    }
    io.stderr.write(`internal error: ${(err as Error)?.stack ?? String(err)}\n`);
    return 1;
  }
}
