import { COMMANDS, type CommandSpec } from "./command-table.js";
import { GLOBAL, type OptionTable, optionLabel } from "./option-spec.js";

const EXIT_CODES = `Exit codes: 0 all good; 1 some assets failed or are out of date (or a lock merge needs a look);
2 configuration or usage error, another build running, or the estimate over the budget.`;

/** `nanobanana --help`: the commands, and where each one's options are. */
export function overviewHelp(): string {
  const rows = COMMANDS.map((c) => [`${c.name}${c.args ? ` ${c.args}` : ""}`, c.summary] as const);
  return [
    "nanobanana: build image assets from YAML manifests",
    "",
    "Usage: nanobanana <command> [options]   (no command: build)",
    "",
    "Commands:",
    ...table(rows),
    "",
    "Options:",
    ...table(optionRows({ ...GLOBAL, version: { type: "boolean", short: "v", help: "print the version" } })),
    "",
    "nanobanana <command> --help lists the options of a command; any other option is a usage error.",
    "",
    EXIT_CODES,
  ].join("\n");
}

/** `nanobanana <command> --help`: its usage and exactly the options it takes. */
export function commandHelp(spec: CommandSpec): string {
  return [
    `Usage: nanobanana ${spec.name}${spec.args ? ` ${spec.args}` : ""} [options]`,
    "",
    spec.summary,
    "",
    "Options:",
    ...table(optionRows({ ...spec.options, ...GLOBAL })),
    "",
    EXIT_CODES,
  ].join("\n");
}

function optionRows(options: OptionTable): Array<readonly [string, string]> {
  return Object.entries(options).map(([name, o]) => [`${o.short ? "" : "    "}${optionLabel(name, o)}`, o.help] as const);
}

/** Two columns; the second wraps at 100 characters and starts on its own line when the first is long. */
function table(rows: Array<readonly [string, string]>): string[] {
  const width = 24;
  const out: string[] = [];
  for (const [left, right] of rows) {
    const lines = wrap(right, 100 - width);
    if (left.length + 2 > width) out.push(`  ${left}`);
    else out.push(`  ${left.padEnd(width - 2)}${lines.shift() ?? ""}`);
    for (const l of lines) out.push(`${" ".repeat(width)}${l}`);
  }
  return out;
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}
