import { setMaxListeners } from "node:events";
import path from "node:path";
import { ConfigError, UserError } from "../../core/errors/user-error.js";
import { build } from "../build/build.js";
import type { BuildEvent } from "../build/events.js";
import { findConfig, loadProject } from "../load/load.js";
import { LoadCache } from "../load/load-cache.js";
import type { Project } from "../../core/project.js";
import { ProjectFiles } from "./files.js";
import type { WatchEvent, WatchListener, WatchOptions, Watcher } from "./types.js";

/**
 * Watch mode: build once, then rebuild after saves. Saves are debounced; a save during a
 * build queues exactly one follow-up build; builds never overlap and are never cancelled by
 * a save, so a task submitted for a spec that a later save replaced is still collected and
 * kept in the store (undoing the edit restores it at no cost).
 */
export class WatchSession implements Watcher {
  readonly ready: Promise<void>;
  private readonly listeners = new Set<WatchListener>();
  private readonly root: string;
  private readonly configFile: string;
  private files?: ProjectFiles;
  private pending = new Set<string>();
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private closed = false;
  private readonly controller = new AbortController();
  private readonly cache = new LoadCache();

  constructor(private readonly opts: WatchOptions) {
    if (opts.onEvent) this.listeners.add(opts.onEvent);
    this.configFile = findConfig(path.resolve(opts.cwd ?? process.cwd()), opts.config);
    this.root = path.dirname(this.configFile);
    this.ready = this.start();
    this.ready.catch(() => {});
  }

  on(listener: WatchListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.timer);
    const interrupted = this.running !== undefined;
    this.controller.abort(new Error("watch stopped"));
    await this.files?.close();
    await this.running?.catch(() => {});
    this.emit({ type: "closed", interrupted });
  }

  private async start(): Promise<void> {
    const project = this.load();
    this.files = new ProjectFiles(this.root, this.configFile, (abs) => this.saved(abs), project);
    this.files.broken = !project;
    await this.files.ready;
    if (project) await this.run(project, "initial", []);
    this.emit({ type: "ready", root: this.root, manifests: project?.manifests.length ?? 0, references: this.files.referenceCount });
  }

  private saved(abs: string): void {
    if (this.closed) return;
    this.pending.add(path.relative(this.root, abs).split(path.sep).join("/"));
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.kick(), this.opts.debounceMs ?? 100);
  }

  /** Starts a rebuild, or queues one (only one) behind the build in progress. */
  private kick(): void {
    if (this.closed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      do {
        this.again = false;
        const files = [...this.pending].sort();
        this.pending.clear();
        this.emit({ type: "change", files });
        const project = this.load();
        if (project) await this.run(project, "change", files);
      } while (this.again && !this.closed);
    })().finally(() => {
      this.running = undefined;
    });
  }

  private async run(project: Project, reason: "initial" | "change", files: string[]): Promise<void> {
    const initial = reason === "initial";
    const work = (async () => {
      this.files?.update(project);

      this.emit({ type: "build-start", reason, files });
      // A signal per build, tied to the session's: listeners added during a build go with it.
      const build$ = new AbortController();
      setMaxListeners(0, build$.signal); // one listener per asset in flight
      const stop = () => build$.abort(this.controller.signal.reason);
      this.controller.signal.addEventListener("abort", stop, { once: true });
      try {
        const result = await build(project, {
          concurrency: this.opts.concurrency,
          onEvent: (event: BuildEvent) => this.emit({ type: "build", event }),
          signal: build$.signal,
          simulatorUrl: this.opts.simulatorUrl,
          env: this.opts.env,
        });
        this.emit({ type: "build-end", result });
      } catch (err) {
        this.emit({ type: "error", message: (err as Error).message, issues: err instanceof ConfigError ? err.issues : undefined });
      } finally {
        this.controller.signal.removeEventListener("abort", stop);
      }
    })();
    if (initial) {
      this.running = work.finally(() => {
        this.running = undefined;
        if (this.again) this.kick();
      });
    }
    await work;
  }

  /** Loads the project; a broken one is reported and the last good state stays. */
  private load(): Project | undefined {
    try {
      const project = loadProject({ cwd: this.opts.cwd, config: this.opts.config, overrides: this.opts.overrides, cache: this.cache });
      if (this.files) this.files.broken = false;
      return project;
    } catch (err) {
      if (this.files) this.files.broken = true;
      if (!(err instanceof UserError)) {
        this.emit({ type: "error", message: `cannot load the project: ${(err as Error).message}` });
        return undefined;
      }
      this.emit({ type: "error", message: err.message, issues: err instanceof ConfigError ? err.issues : undefined });
      return undefined;
    }
  }

  private emit(event: WatchEvent): void {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch {
        /* a listener's failure must not stop the session */
      }
    }
  }
}

/** Starts watch mode on a project: `await w.ready`, listen with `w.on(...)`, stop with `w.close()`. */
export function watch(opts: WatchOptions = {}): Watcher {
  return new WatchSession(opts);
}
