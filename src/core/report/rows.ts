import { sha256 } from "../hash.js";
import type { LockEntry, Lockfile } from "../lock/types.js";
import { needsGeneration, type Plan, type PlanItem } from "../plan/types.js";
import type { ResolvedAsset } from "../project.js";
import { entryFields, fieldChanges } from "./field-changes.js";
import type { BeforeAfter, ReportImage, ReportRow, RowStatus } from "./types.js";

/** What the last build said of one asset (kept in .nanobanana/last-build.json). */
export interface LastOutcome {
  status: string;
  hash: string;
  error?: string;
}

/** The `--since` side: the lockfile at that ref, and the old images found for it. */
export interface SinceInput {
  ref: string;
  lock: Lockfile;
  /** Old images by sha256. */
  images: Map<string, ReportImage>;
  /** Why an old image could not be shown, by asset name. */
  missing?: Map<string, string>;
}

export interface RowsInput {
  assets: ResolvedAsset[];
  lock: Lockfile;
  plan: Plan;
  /** Current images (thumbnails) by sha256. */
  images: Map<string, ReportImage>;
  lastBuild?: Record<string, LastOutcome>;
  since?: SinceInput;
}

/** One row per asset of the project (plus orphans and, with --since, removed assets). Pure. */
export function reportRows(input: RowsInput): ReportRow[] {
  const items = new Map(input.plan.items.map((i) => [i.name, i]));
  const rows: ReportRow[] = [];
  const byName = new Map(input.assets.map((a) => [a.name, a]));
  const rowOf = (a: ResolvedAsset): ReportRow => {
    const item = items.get(a.name);
    const entry = input.lock.assets[a.name];
    const { status, reason } = statusOf(a.hash, item, input.lastBuild?.[a.name]);
    const row: ReportRow = {
      id: rowId(a.name),
      name: a.name,
      manifest: a.source.file,
      declared: a.source.path,
      matrix: Object.fromEntries(Object.entries(a.matrix ?? {}).map(([k, v]) => [k, String(v)])),
      prompt: a.spec.prompt,
      model: a.spec.model,
      resolution: a.spec.resolution,
      aspectRatio: a.spec.aspectRatio,
      format: a.spec.format,
      costUsd: status === "pending" ? (item?.estimatedUsd ?? 0) : (entry?.cost.usd ?? 0),
      status,
    };
    if (reason) row.reason = reason;
    if (entry?.taskId) row.taskId = entry.taskId;
    const image = entry && input.images.get(entry.sha256);
    if (image) row.image = image;
    return row;
  };
  for (const a of input.assets) {
    if (a.take) continue; // shown in its asset's card
    const row = rowOf(a);
    if (a.candidates) {
      // The takes side by side; the asset costs what its takes cost (its output is a copy).
      const takes = a.candidates.takes.map((name) => rowOf(byName.get(name)!));
      row.costUsd = takes.reduce((sum, t) => sum + t.costUsd, 0);
      row.takes = takes.map((t, i) => ({
        k: i + 1,
        name: t.name,
        picked: i + 1 === a.candidates!.picked,
        command: `nanobanana pick ${shellWord(a.name)} ${i + 1}`,
        ...(t.image ? { image: t.image } : {}),
      }));
    }
    const before = input.since && beforeAfter(a.name, input.lock.assets[a.name], input.since, row.costUsd);
    if (before) row.before = before;
    rows.push(row);
  }
  for (const item of input.plan.items) {
    if (item.action !== "orphaned") continue;
    const entry = input.lock.assets[item.name];
    if (entry) rows.push(entryRow(item.name, entry, "in the lockfile, no longer in any manifest", input.images));
  }
  if (input.since) {
    const known = new Set(rows.map((r) => r.name));
    for (const [name, old] of Object.entries(input.since.lock.assets)) {
      if (known.has(name) || input.lock.assets[name]) continue;
      const row = entryRow(name, old, `removed since ${input.since.ref}`, input.since.images);
      row.costUsd = 0;
      row.before = { kind: "removed", changed: [], costUsd: 0, ...(row.image ? { image: row.image } : {}) };
      delete row.image;
      rows.push(row);
    }
  }
  return rows;
}

/** A name as one shell word (quoted when it holds anything but letters, digits and ./_-). */
function shellWord(name: string): string {
  return /^[\w./-]+$/.test(name) ? name : `'${name.replaceAll("'", `'\\''`)}'`;
}

/** A stable, DOM-safe id for an asset name. */
export function rowId(name: string): string {
  return `a-${sha256(name).slice(0, 16)}`;
}

function statusOf(hash: string, item: PlanItem | undefined, last: LastOutcome | undefined): { status: RowStatus; reason?: string } {
  const sameSpec = last !== undefined && last.hash === hash;
  // Generated for this very spec: the live page learns it before the lockfile on disk does.
  if (sameSpec && last.status === "generated") return { status: "generated" };
  if (item && needsGeneration(item.action)) {
    if (sameSpec && (last.status === "failed" || last.status === "blocked")) return { status: last.status, reason: last.error };
    return { status: "pending", reason: item.reason };
  }
  return { status: "up-to-date" };
}

/** A row made from a lock entry alone (an orphan, or an asset removed since the ref). */
function entryRow(name: string, entry: LockEntry, reason: string, images: Map<string, ReportImage>): ReportRow {
  const row: ReportRow = {
    id: rowId(name),
    name,
    manifest: "(lockfile)",
    declared: "",
    matrix: {},
    prompt: entry.spec?.prompt ?? "",
    model: entry.model,
    resolution: entry.spec?.resolution ?? "",
    aspectRatio: entry.spec?.aspectRatio ?? "",
    format: entry.format,
    costUsd: entry.cost.usd,
    taskId: entry.taskId,
    status: "orphaned",
    reason,
  };
  const image = images.get(entry.sha256);
  if (image) row.image = image;
  return row;
}

/** Before and after of an asset whose lock entry differs from the ref's; undefined when it does not. */
function beforeAfter(name: string, entry: LockEntry | undefined, since: SinceInput, costUsd: number): BeforeAfter | undefined {
  const old = since.lock.assets[name];
  if (!entry) return undefined;
  if (!old) return { kind: "new", changed: fieldChanges({}, entryFields(entry)), costUsd };
  if (old.hash === entry.hash && old.sha256 === entry.sha256) return undefined;
  const out: BeforeAfter = { kind: "changed", changed: fieldChanges(entryFields(old), entryFields(entry)), costUsd };
  const image = since.images.get(old.sha256);
  if (image) out.image = image;
  else out.missing = since.missing?.get(name) ?? `the image at ${since.ref} was not found`;
  return out;
}
