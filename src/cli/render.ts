import type { BuildEvent, BuildResult } from "../engine/build/events.js";
import type { Plan } from "../core/plan/types.js";
import { usd, type Style } from "./style.js";

/**
 * Renders build events: on a terminal a live progress line (done / running / failed / spend)
 * with finished assets printed above it; elsewhere (CI, pipes) plain lines.
 */
/** The line a build that has nothing to do starts with. */
export function nothingToBuildLine(upToDate: number): string {
  return `${upToDate} assets up to date; nothing to build`;
}

export class ProgressRenderer {
  private total = 0;
  private done = 0;
  private running = new Set<string>();
  private failed = 0;
  private spend = 0;
  private lineShown = false;
  private lastLine = "";

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly style: Style,
  ) {}

  handle = (e: BuildEvent): void => {
    const s = this.style;
    switch (e.type) {
      case "plan": {
        this.total = e.plan.items.filter((i) => i.action === "new" || i.action === "changed" || i.action === "output-missing").length;
        const upToDate = e.plan.counts["up-to-date"];
        const sim = e.plan.simulate ? " on the simulator" : "";
        this.print(
          this.total === 0
            ? nothingToBuildLine(upToDate)
            : `building ${this.total} of ${this.total + upToDate} assets with ${e.plan.provider}${sim} (estimate ${usd(e.plan.estimatedUsd)})`,
        );
        break;
      }
      case "waiting":
        this.print(
          `another nanobanana ${e.holder.command} is running here (pid ${e.holder.pid}, since ${e.holder.startedAt}); waiting for it…`,
        );
        break;
      case "submitted":
        this.running.add(e.name);
        if (!s.tty) this.print(s.dim(`${e.resumed ? "resuming" : "submitted"} ${e.name} (task ${e.taskId})`));
        break;
      case "generated":
        this.running.delete(e.name);
        this.done++;
        this.spend += e.costUsd;
        this.print(
          `${s.green("✓")} ${e.name} → ${e.output} ${s.dim(e.restored ? `restored from ${FROM[e.from ?? "local store"]}, no charge` : usd(e.costUsd))}`,
        );
        break;
      case "failed":
        this.running.delete(e.name);
        this.failed++;
        this.print(`${s.red("✗")} ${e.name}: ${e.error}`);
        break;
      case "blocked":
        this.running.delete(e.name);
        this.failed++;
        this.print(`${s.yellow("⊘")} ${e.name} blocked: ${e.reason}`);
        break;
      case "rejected":
        this.running.delete(e.name);
        this.failed++;
        this.spend += e.costUsd;
        // An earlier build's rejection (nothing paid now) has its whole story in the reason.
        this.print(`${s.red("✗")} ${e.name} rejected${e.costUsd ? ` (${usd(e.costUsd)} paid, image kept in ${e.kept})` : ""}: ${e.reason}`);
        break;
      case "skipped":
        this.running.delete(e.name);
        this.print(`${s.dim("–")} ${e.name} skipped: ${e.reason}`);
        break;
      case "described":
        this.spend += e.costUsd;
        if (!s.tty) this.print(s.dim(`described ${e.name} (${usd(e.costUsd)}): ${e.text}`));
        break;
      case "retry":
        if (!s.tty) this.print(s.dim(`retrying ${e.what} of ${e.name} in ${Math.round(e.delayMs)} ms: ${e.error}`));
        break;
      case "warning":
        this.print(`${s.yellow("!")} ${e.name ? `${e.name}: ` : ""}${e.message}`);
        break;
      default:
        break;
    }
    this.status();
  };

  /** Clears the live line before the summary. */
  end(): void {
    if (this.lineShown) this.out.write("\r\x1b[2K");
    this.lineShown = false;
  }

  private print(line: string): void {
    if (this.lineShown) this.out.write("\r\x1b[2K");
    this.lineShown = false;
    this.out.write(`${line}\n`);
  }

  private status(): void {
    if (!this.style.tty || this.total === 0) return;
    const line = `${this.done}/${this.total} done · ${this.running.size} running · ${this.failed} failed · ${usd(this.spend)}`;
    if (this.lineShown && line === this.lastLine) return;
    this.lastLine = line;
    this.out.write(`\r\x1b[2K${this.style.dim(line)}`);
    this.lineShown = true;
  }
}

const FROM = { "local store": ".nanobanana/store", "lockfile output": "another asset's output", remote: "remote" };

/** The closing lines of a build: counts, spend by model. */
export function summaryLines(r: BuildResult, style: Style): string[] {
  const restored = r.assets.filter((a) => a.restored);
  const remote = restored.filter((a) => a.restoredFrom === "remote").length;
  const local = restored.length - remote;
  const back = [local && `${local} restored locally`, remote && `${remote} restored from remote`].filter(Boolean).join(", ");
  const parts = [`${r.generated} generated${back ? ` (${back})` : ""}`, `${r.upToDate} up to date`];
  if (r.failed) parts.push(style.red(`${r.failed} failed`));
  if (r.blocked) parts.push(style.yellow(`${r.blocked} blocked`));
  if (r.rejected) parts.push(style.red(`${r.rejected} rejected by the quality gates`));
  if (r.skipped) parts.push(style.yellow(`${r.skipped} skipped`));
  const lines = [`${parts.join(", ")}; spent ${usd(r.costUsd)}${r.simulated ? " (simulated: nothing was charged)" : ""}`];
  for (const d of r.possibleDuplicates ?? []) {
    lines.push(style.yellow(`! ${d.name}: possible duplicate charge: ${d.reason}; check the provider's dashboard`));
  }
  if (r.journalError) lines.push(style.red(`! the task journal could not be written (${r.journalError}); nothing more was submitted`));
  for (const t of r.unrecorded ?? []) {
    lines.push(style.red(`! ${t.name}: ${t.provider} task ${t.taskId} was accepted (and may be paid) but could not be recorded`));
  }
  if (r.derived && (r.derived.made || r.derived.removed || r.derived.failed)) {
    const d = r.derived;
    const failed = d.failed ? style.red(`, ${d.failed} failed`) : "";
    lines.push(
      `derived files: ${d.made} made, ${d.upToDate} up to date${d.removed ? `, ${d.removed} removed` : ""}${failed} (local, no charge)`,
    );
  }
  if (r.alt && (r.alt.described || r.alt.cached || r.alt.failed)) {
    const failed = r.alt.failed ? style.red(`, ${r.alt.failed} failed`) : "";
    lines.push(`alt text: ${r.alt.described} described (${usd(r.alt.costUsd)}), ${r.alt.cached} from the cache${failed}`);
  }
  if (r.codegen?.changed) lines.push(`wrote ${r.codegen.out}`);
  const models = Object.entries(r.costByModel);
  if (models.length > 1 || (models.length === 1 && r.generated > 0)) {
    lines.push(...models.map(([m, c]) => style.dim(`  ${m}: ${usd(c)}`)));
  }
  return lines;
}

/** `nanobanana plan` as a table. */
export function planLines(p: Plan, style: Style): string[] {
  const lines: string[] = [];
  const width = Math.min(48, Math.max(4, ...p.items.map((i) => i.name.length)));
  const color = (a: string) =>
    a === "up-to-date"
      ? style.dim(a.padEnd(14))
      : a === "orphaned" || a === "rejected"
        ? style.yellow(a.padEnd(14))
        : style.bold(a.padEnd(14));
  for (const i of p.items) {
    const cost = i.estimatedUsd ? usd(i.estimatedUsd) : "";
    lines.push(
      `${color(i.action)} ${i.name.padEnd(width)}  ${`${i.model} ${i.resolution}`.padEnd(20)} ${cost.padStart(8)}  ${style.dim(i.reason)}`,
    );
  }
  for (const n of p.needs ?? []) lines.push(`${style.yellow("needs")} ${n.name}: ${n.message}`);
  const c = p.counts;
  lines.push(
    `${c.new} new, ${c.changed} changed, ${c["output-missing"]} output missing, ${c["up-to-date"]} up to date, ${c.orphaned} orphaned${c.rejected ? `, ${c.rejected} rejected (build --retry-rejected pays again)` : ""}; estimated ${usd(p.estimatedUsd)} with ${p.provider}${p.simulate ? " (simulated: no charge)" : ""}`,
  );
  if (p.alt?.length) {
    lines.push("", style.bold("alt text (alt: auto, the provider's text model; paid)"));
    for (const a of p.alt)
      if (a.action !== "up-to-date")
        lines.push(`${style.bold(a.action.padEnd(16))} ${a.name}  ${a.estimatedUsd ? usd(a.estimatedUsd) : ""}  ${style.dim(a.reason)}`);
    lines.push(
      `${p.alt.filter((a) => a.action === "describe" || a.action === "after-generation").length} to describe; estimated ${usd(p.altUsd ?? 0)}`,
    );
  }
  if (p.derived?.length && p.derivedCounts) {
    lines.push("", style.bold("derived files (local, no charge)"));
    for (const d of p.derived)
      if (d.action !== "up-to-date") lines.push(`${style.bold(d.action.padEnd(16))} ${d.output}  ${style.dim(d.reason)}`);
    const dc = p.derivedCounts;
    lines.push(
      `${dc.make} to make, ${dc["after-generation"]} after generation, ${dc.remove} to remove, ${dc["up-to-date"]} up to date; $0`,
    );
  }
  return lines;
}
