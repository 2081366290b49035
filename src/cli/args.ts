import { parseArgs } from "node:util";
import { UserError } from "../core/errors/user-error.js";
import { nearest } from "../core/nearest.js";
import { COMMANDS, type CommandSpec, findCommand } from "./command-table.js";
import type { CliArgs } from "./cli-args.js";
import { GLOBAL, type OptionTable, optionKey, optionLabel } from "./option-spec.js";

const TOP: OptionTable = { ...GLOBAL, version: { type: "boolean", short: "v", help: "print the version" } };

/** Every option any command takes, so that the command can be found before it is known (`-C dir build`). */
function allOptions(): OptionTable {
  return Object.assign({}, TOP, ...COMMANDS.map((c) => c.options));
}

type ParseOptions = Parameters<typeof parseArgs>[0] extends infer C ? (C extends { options?: infer O } ? O : never) : never;

function toParseOptions(table: OptionTable): ParseOptions {
  return Object.fromEntries(
    Object.entries(table).map(([name, o]) => [
      name,
      { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) },
    ]),
  ) as ParseOptions;
}

export type { CliArgs };

/** Parses argv against the command's own options; an option it does not take is a usage error. */
export function parseCli(argv: string[]): CliArgs {
  const all = allOptions();
  const loose = parseArgs({ args: argv, allowPositionals: true, strict: false, options: toParseOptions(all) });
  const first = loose.positionals[0];
  const topLevel = first === undefined && (loose.values.help === true || loose.values.version === true);
  const name = first ?? (topLevel ? "" : "build");
  const spec = topLevel ? undefined : findCommand(name);
  if (!topLevel && !spec && name !== "help") {
    const near = nearest(
      name,
      COMMANDS.map((c) => c.name),
    );
    throw new UserError(
      `unknown command ${JSON.stringify(name)}${near ? ` (did you mean ${near}?)` : ""}; commands: ${COMMANDS.map((c) => c.name).join(", ")}`,
    );
  }
  const table: OptionTable = spec ? { ...GLOBAL, ...spec.options } : name === "help" ? GLOBAL : TOP;
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, strict: true, options: toParseOptions(table) });
  } catch (err) {
    throw new UserError(optionError(err as Error, argv, spec, table));
  }
  const values: Record<string, unknown> = {};
  for (const [opt, o] of Object.entries(all)) {
    if (o.type === "boolean") values[optionKey(opt)] = false;
    if (o.multiple) values[optionKey(opt)] = [];
  }
  for (const [opt, raw] of Object.entries(parsed.values)) {
    const o = table[opt];
    const flag = `--${opt}`;
    const parse = o.parse;
    values[optionKey(opt)] = !parse
      ? raw
      : typeof raw === "string"
        ? parse(raw, flag)
        : Array.isArray(raw)
          ? raw.map((v) => (typeof v === "string" ? parse(v, flag) : v))
          : raw;
  }
  return {
    ...(values as Omit<CliArgs, "command" | "rest" | "cwd">),
    command: name,
    rest: parsed.positionals.slice(1),
    cwd: (values.cwd as string | undefined) ?? process.cwd(),
  };
}

/** "build does not take --dry-runn (did you mean --dry-run?); its options: …" */
function optionError(err: Error, argv: string[], spec: CommandSpec | undefined, table: OptionTable): string {
  const where = spec ? `nanobanana ${spec.name}` : "nanobanana";
  const known = Object.entries(table)
    .filter(([n]) => n !== "help")
    .map(([n, o]) => optionLabel(n, o).replace(", ", "/"));
  const takes = `${where} takes: ${known.join(", ")}`;
  const unknown = /Unknown option '(-{1,2}[^']+)'/.exec(err.message)?.[1] ?? argv.find((a) => a.startsWith("-") && !isKnown(a, table));
  if (!unknown) return `${err.message.replace(/\. To specify.*$/s, "")}\n${takes}`;
  const bare = unknown.replace(/^-+/, "").split("=")[0];
  const near = nearest(bare, Object.keys(table));
  const elsewhere = COMMANDS.filter((c) => c !== spec && bare in c.options).map((c) => c.name);
  const hint = near ? ` (did you mean --${near}?)` : elsewhere.length ? ` (${unknown} belongs to ${elsewhere.join(", ")})` : "";
  return `${where} does not take ${unknown}${hint}\n${takes}\nRun ${where} --help for what each does.`;
}

function isKnown(arg: string, table: OptionTable): boolean {
  if (arg === "-" || arg === "--") return true;
  if (arg.startsWith("--")) return arg.slice(2).split("=")[0] in table;
  return Object.values(table).some((o) => o.short === arg[1]);
}
