import path from "node:path";
import { watch as chokidar, type FSWatcher } from "chokidar";
import type { Project } from "../../core/project.js";

const NEVER = new Set(["node_modules", ".git", ".nanobanana"]);

/**
 * Watches the project folder (config, manifests, new and deleted manifest files, reference
 * images inside it) and reference images outside it; reports only the paths that matter.
 */
export class ProjectFiles {
  private readonly fsw: FSWatcher;
  private refs = new Set<string>();
  private outside = new Set<string>();
  private skipDirs: string[] = [];
  /** While the project does not load, any saved file may be the fix (e.g. a missing reference image). */
  broken = false;
  readonly ready: Promise<void>;

  constructor(
    readonly root: string,
    private readonly configFile: string,
    onChange: (abs: string) => void,
    initial?: Project,
  ) {
    if (initial) this.skipDirs = [initial.outDir];
    this.fsw = chokidar(root, {
      ignoreInitial: true,
      ignored: (p) => this.ignored(p),
    });
    this.fsw.on("all", (_event, p) => {
      const abs = path.resolve(root, p);
      if (this.matters(abs)) onChange(abs);
    });
    this.ready = new Promise((resolve) => this.fsw.once("ready", () => resolve()));
    if (initial) this.update(initial);
  }

  /** Follows the current project: its output folder is ignored, its reference images watched. */
  update(project: Project): void {
    this.skipDirs = [project.outDir];
    this.refs = new Set(project.referenceFiles ?? []);
    const outside = [...this.refs].filter((f) => !inside(this.root, f));
    const gone = [...this.outside].filter((f) => !outside.includes(f));
    if (gone.length) this.fsw.unwatch(gone);
    const added = outside.filter((f) => !this.outside.has(f));
    if (added.length) this.fsw.add(added);
    this.outside = new Set(outside);
  }

  get referenceCount(): number {
    return this.refs.size;
  }

  close(): Promise<void> {
    return this.fsw.close();
  }

  private matters(abs: string): boolean {
    return this.broken || abs === this.configFile || /\.ya?ml$/i.test(abs) || this.refs.has(abs);
  }

  private ignored(p: string): boolean {
    const abs = path.resolve(this.root, p);
    if (!inside(this.root, abs)) return false;
    const rel = path.relative(this.root, abs);
    if (rel.split(path.sep).some((seg) => NEVER.has(seg))) return true;
    if (/\.tmp$/.test(abs)) return true;
    return this.skipDirs.some((d) => abs === d || inside(d, abs));
  }
}

function inside(dir: string, abs: string): boolean {
  return abs.startsWith(dir + path.sep);
}
