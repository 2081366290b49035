import { REMOTE_URL } from "../core/config/remote-url.js";
import { UserError } from "../core/errors/user-error.js";

/**
 * One command-line option as a command declares it. The parsed value lands in `CliArgs`
 * under the camelCase of its name (`--max-cost` → `maxCost`), converted by `parse` when given.
 */
export interface OptionSpec {
  type: "string" | "boolean";
  short?: string;
  multiple?: boolean;
  /** Placeholder shown in help for a string option, e.g. "USD". */
  value?: string;
  /** One line of help (wrapped by the help renderer). */
  help: string;
  /** Converts (and checks) a string value; throws UserError naming the flag. */
  parse?: (value: string, flag: string) => unknown;
}

export type OptionTable = Record<string, OptionSpec>;

/** `--max-cost` → `maxCost`. */
export function optionKey(name: string): string {
  return name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** How an option reads in help and errors: `-C, --cwd DIR`. */
export function optionLabel(name: string, spec: OptionSpec): string {
  const long = `--${name}${spec.type === "string" ? ` ${spec.value ?? "VALUE"}` : ""}`;
  return spec.short ? `-${spec.short}, ${long}` : long;
}

export function positiveInt(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UserError(`${flag} takes a whole number of at least 1, not ${JSON.stringify(value)}`);
  return n;
}

export function wholeNumber(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UserError(`${flag} takes a whole number, not ${JSON.stringify(value)}`);
  return n;
}

export function usdAmount(value: string, flag: string): number {
  const n = Number(value.replace(/^\$/, ""));
  if (!Number.isFinite(n) || n <= 0)
    throw new UserError(`${flag} takes an amount in USD above 0, e.g. 5 or 2.50, not ${JSON.stringify(value)}`);
  return n;
}

/** `s3://bucket/prefix`, as `remote.url` takes it. */
export function remoteUrlOption(value: string, flag: string): string {
  if (!REMOTE_URL.test(value))
    throw new UserError(`${flag} takes s3://bucket/prefix (an S3-compatible bucket and a key prefix), not ${JSON.stringify(value)}`);
  return value;
}

/** An http(s) origin, e.g. http://127.0.0.1:4568 (a path is dropped). */
export function originOption(value: string, flag: string): string {
  try {
    const u = new URL(value);
    if (u.protocol === "http:" || u.protocol === "https:") return u.origin;
  } catch {
    // below
  }
  throw new UserError(`${flag} takes an origin like http://127.0.0.1:4568, not ${JSON.stringify(value)}`);
}

/** "30d", "12h", "2w", "90m" → milliseconds. */
export function durationMs(value: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(m|h|d|w)$/.exec(value.trim());
  if (!m) throw new UserError(`${flag} takes an age like 30d, 12h, 2w or 90m, not ${JSON.stringify(value)}`);
  return Number(m[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[m[2] as "m" | "h" | "d" | "w"];
}

// Option groups that several commands share; a command spreads the ones it takes.

/** Where the project is. */
export const PROJECT: OptionTable = {
  cwd: { type: "string", short: "C", value: "DIR", help: "project folder (default: the current folder)" },
  config: { type: "string", value: "FILE", help: "config file (default: nanobanana.config.yaml)" },
};

export const JSON_OUT: OptionTable = {
  json: { type: "boolean", help: "print one JSON object on stdout" },
};

export const ONLY: OptionTable = {
  only: { type: "string", multiple: true, value: "GLOB", help: 'only assets whose name matches (repeatable), e.g. "hero/*"' },
};

export const SIMULATE: OptionTable = {
  simulate: { type: "boolean", help: "build on the built-in simulator: no key, no network, no cost" },
};

export const VERIFY: OptionTable = {
  verify: { type: "boolean", help: "re-hash output files instead of trusting their size" },
};

export const CONCURRENCY: OptionTable = {
  concurrency: { type: "string", value: "N", help: "most assets in flight at once", parse: positiveInt },
};

export const WAIT: OptionTable = {
  wait: { type: "boolean", help: "wait for another build in this project instead of stopping" },
};

/** Every command takes these. */
export const GLOBAL: OptionTable = {
  help: { type: "boolean", short: "h", help: "show this help" },
};
