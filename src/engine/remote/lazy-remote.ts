import type { Project } from "../../core/project.js";
import { openRemote } from "./open-remote.js";
import type { RemoteStore } from "./types.js";

/**
 * The project's remote, opened on first use (a build with nothing to restore or push never
 * loads the SDK nor sends a request) and closed once. `given` (tests, library users) wins.
 */
export class LazyRemote {
  private opened?: Promise<RemoteStore | undefined>;

  constructor(
    private readonly project: Project,
    private readonly given?: RemoteStore,
    private readonly onProblem?: (message: string) => void,
  ) {}

  get configured(): boolean {
    return Boolean(this.given || this.project.config.remote);
  }

  get(): Promise<RemoteStore | undefined> {
    this.opened ??= this.given ? Promise.resolve(this.given) : openRemote(this.project, { onProblem: this.onProblem });
    return this.opened;
  }

  async close(): Promise<void> {
    if (!this.opened || this.given) return;
    (await this.opened.catch(() => undefined))?.close();
  }
}
