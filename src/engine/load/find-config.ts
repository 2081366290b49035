import { existsSync } from "node:fs";
import path from "node:path";
import { UserError } from "../../core/errors/user-error.js";

export const CONFIG_NAMES = ["nanobanana.config.yaml", "nanobanana.config.yml"];

/** The config file of the project in `cwd` (or `explicit`, relative to cwd); a UserError when there is none. */
export function findConfig(cwd: string, explicit?: string): string {
  if (!existsSync(cwd)) throw new UserError(`folder not found: ${cwd}`);
  if (explicit) {
    const abs = path.resolve(cwd, explicit);
    if (!existsSync(abs)) throw new UserError(`config file not found: ${abs}`);
    return abs;
  }
  for (const name of CONFIG_NAMES) {
    const abs = path.join(cwd, name);
    if (existsSync(abs)) return abs;
  }
  throw new UserError(`no nanobanana.config.yaml in ${cwd} (use -C DIR or --config FILE; nanobanana.config.yaml.example shows one)`);
}
