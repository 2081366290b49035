import path from "node:path";
import type { Project } from "../../core/project.js";

/** `.nanobanana/`: the project's local state (task journal, store). Not committed. */
export function stateDir(project: Pick<Project, "root">): string {
  return path.join(project.root, ".nanobanana");
}
