import { readdirSync } from "node:fs";

/** The names in `dir`; none when it cannot be read (missing, or not a folder). */
export function namesIn(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
