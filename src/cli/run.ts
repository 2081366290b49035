import { ConfigError, UserError } from "../core/errors/user-error.js";
import { USAGE, parseCli } from "./args.js";
import { buildCommand, planCommand, schemaCommand, simulatorCommand, version } from "./commands.js";
import type { Io } from "./io.js";

type Command = (args: ReturnType<typeof parseCli>, io: Io) => Promise<number>;

/** Commands, each loading only what it needs (watch brings chokidar, status/gc/lock their own). */
const COMMANDS: Record<string, Command> = {
  build: buildCommand,
  plan: planCommand,
  status: async (a, io) => (await import("./safety-commands.js")).statusCommand(a, io),
  pull: async (a, io) => (await import("./remote-commands.js")).pullCommand(a, io),
  push: async (a, io) => (await import("./remote-commands.js")).pushCommand(a, io),
  gc: async (a, io) => (await import("./safety-commands.js")).gcCommand(a, io),
  lock: async (a, io) => (await import("./safety-commands.js")).lockCommand(a, io),
  simulator: simulatorCommand,
  schema: schemaCommand,
  init: async (a, io) => (await import("./init-command.js")).initCommand(a, io),
  watch: async (a, io) => (await import("./watch-command.js")).watchCommand(a, io),
};

/** Runs the CLI; returns the exit code (0 ok, 1 assets failed or stale, 2 usage/config error). */
export async function main(argv: string[], io: Io): Promise<number> {
  // The AWS SDK (remote stores) warns on every run under Node 20 about its own future releases; not the user's concern.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  // Known before parsing, so that even a usage error is answered in JSON under --json.
  const json = argv.includes("--json");
  try {
    const args = parseCli(argv);
    if (args.version) {
      io.stdout.write(`${version()}\n`);
      return 0;
    }
    if (args.help || args.command === "help") {
      io.stdout.write(`${USAGE}\n`);
      return 0;
    }
    const run = COMMANDS[args.command];
    if (!run) throw new UserError(`unknown command ${JSON.stringify(args.command)} (commands: ${Object.keys(COMMANDS).join(", ")})`);
    return await run(args, io);
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
