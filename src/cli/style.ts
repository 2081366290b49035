/** Terminal styling that honours NO_COLOR and non-TTY output. */
export interface Style {
  color: boolean;
  tty: boolean;
  green(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
}

export function makeStyle(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): Style {
  const tty = Boolean(stream.isTTY) && env.CI === undefined;
  const color = tty && env.NO_COLOR === undefined && env.TERM !== "dumb";
  const wrap = (open: number, close: number) => (s: string) => (color ? `\x1b[${open}m${s}\x1b[${close}m` : s);
  return { color, tty, green: wrap(32, 39), red: wrap(31, 39), yellow: wrap(33, 39), dim: wrap(2, 22), bold: wrap(1, 22) };
}

/** Dollars with at least 2 and at most 4 decimals: $0.05, $0.075, $0.1344. */
export function usd(n: number): string {
  return `$${n.toFixed(4).replace(/(\.\d\d\d*?)0+$/, "$1")}`;
}

/** `1 asset`, `2 assets`; `plural(1, "entry", "entries")`. */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}
