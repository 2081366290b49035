import { readFileSync } from "node:fs";
import path from "node:path";
import type { LastOutcome } from "../../core/report/rows.js";
import type { BuildResult } from "../build/events.js";
import { writeFileAtomic } from "./atomic-write.js";

/**
 * `.nanobanana/last-build.json`: what the latest build that touched an asset said of it
 * (generated, failed, blocked with the reason; up to date clears it), so that `nanobanana report` can show it later. A cache:
 * merged over the previous one, never fsynced, and a broken file is read as empty.
 */
export function recordLastBuild(stateDir: string, result: BuildResult): void {
  const file = path.join(stateDir, "last-build.json");
  const outcomes = readLastBuild(stateDir);
  for (const a of result.assets) {
    if (a.status === "skipped") continue;
    if (a.status === "up-to-date") delete outcomes[a.name];
    else outcomes[a.name] = { status: a.status, hash: a.hash, ...(a.error ? { error: a.error } : {}) };
  }
  writeFileAtomic(file, JSON.stringify(outcomes), { flush: "none" });
}

export function readLastBuild(stateDir: string): Record<string, LastOutcome> {
  try {
    const data = JSON.parse(readFileSync(path.join(stateDir, "last-build.json"), "utf8")) as unknown;
    return data && typeof data === "object" ? (data as Record<string, LastOutcome>) : {};
  } catch {
    return {};
  }
}
