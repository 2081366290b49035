import { extensionOf } from "../catalog/models.js";
import type { Config } from "../config/schema.js";
import type { ProviderProfile } from "../catalog/provider-profile.js";
import { allowed, type Issue } from "../errors/user-error.js";
import { formatPath, type FieldPath, type YamlSource } from "../errors/yaml-source.js";
import { specHash } from "../hash.js";
import type { AssetSource, ResolvedAsset } from "../project.js";
import { compileReferences, resolveReferences, type CompiledRef, type RefContext } from "../references/expand-refs.js";
import { TEMPLATED_FIELDS, type AssetSpec, type ReferenceSpec, type SpecSettings } from "../spec.js";
import { BUILTIN_DEFAULTS, cascade, type Cascade } from "./cascade.js";
import { axesOf, variantBound, variants, type Variant, type Vars } from "./matrix.js";
import { checkMatrix } from "./matrix-check.js";
import { defaultOutput, nameProblem, outputInside } from "./names.js";
import { originOf, type Origin } from "./origins.js";
import type { AssetInput, Manifest } from "./schema.js";
import { applyExtras, extrasOf, type AssetExtras } from "./extras.js";
import { cellSpecs, gridProblem, sheetPrompt } from "../grid/grid.js";
import { withTakes } from "./candidates.js";
import { transparentProblem, withMatteSources } from "../matte/transparent.js";
import { compileTemplate, fileSafe, headOf, lookup, renderTemplate, type CompiledTemplate } from "./template.js";
import { checkSettings, type RawSettings } from "./validate.js";
import { checkVariables, type TemplatedField } from "./variables.js";

/** What expansion needs besides the manifest itself. */
export interface ExpandContext {
  config: Config;
  provider: ProviderProfile;
  /** The config's outDir, relative to the project root, posix. */
  outDir: string;
  /** Reads and checks local reference files. */
  refs: RefContext;
  /** The config file, so that inherited settings are reported at the line that sets them. */
  configSource?: YamlSource;
  /** Most variants the whole project may expand to (the config's maxVariants). */
  maxVariants?: number;
  /** Variants counted so far across the project's manifests (from matrix sizes, before expanding). */
  counted?: { variants: number };
  /** Problems already reported for settings many assets share (one report each, across manifests). */
  reported?: Set<string>;
}

/** How many problems one asset may report before its other variants are skipped. */
const MAX_ISSUES_PER_ASSET = 20;

/**
 * Expands one manifest into concrete assets: cascades settings, checks templates, expands
 * matrices, validates each variant's settings against the provider and hashes each spec.
 * Problems are collected, not thrown, so that one run reports them all.
 */
export function expandManifest(file: string, source: YamlSource, manifest: Manifest, ctx: ExpandContext, issues: Issue[]): ResolvedAsset[] {
  const out: ResolvedAsset[] = [];
  if (!withinCap(manifest, source, ctx, issues)) return out;
  manifest.assets.forEach((asset, index) => {
    const scope = prepareAsset(file, source, manifest, asset, index, ctx, issues);
    if (!scope) return;
    const before = issues.length;
    for (const v of variants(asset.matrix, scope.base)) {
      const resolved = resolveVariant(v, scope, ctx);
      const candidates = scope.extras.candidates;
      if (resolved)
        out.push(
          ...(candidates
            ? withTakes(resolved, candidates.n)
            : scope.extras.transparent
              ? withMatteSources(resolved, ctx.provider)
              : [resolved]),
        );
      else if (scope.stopped || issues.length - before > MAX_ISSUES_PER_ASSET) return;
    }
  });
  return out;
}

/**
 * Counts the variants of every asset from its matrix sizes (before expanding anything) and
 * refuses the manifest when the project would pass maxVariants: a 10-million matrix is an
 * error in milliseconds, not an out-of-memory minutes later.
 */
function withinCap(manifest: Manifest, source: YamlSource, ctx: ExpandContext, issues: Issue[]): boolean {
  const max = ctx.maxVariants ?? ctx.config.maxVariants ?? 1_000_000;
  const counted = (ctx.counted ??= { variants: 0 });
  for (let i = 0; i < manifest.assets.length; i++) {
    const matrix = manifest.assets[i].matrix;
    const n = variantBound(matrix);
    counted.variants += n;
    if (counted.variants > max) {
      const sizes = Object.values(axesOf(matrix)).map((v) => v.length);
      const how =
        sizes.length > 1 ? ` (${sizes.join(" × ")}${matrix?.include?.length ? ` + ${matrix.include.length} include entries` : ""})` : "";
      const before = counted.variants - n;
      issues.push(
        source.issue(
          matrix ? ["assets", i, "matrix"] : ["assets", i],
          `this asset makes up to ${n.toLocaleString("en-US")} variants${how}${before ? `, ${before.toLocaleString("en-US")} before it` : ""}: more than maxVariants (${max.toLocaleString("en-US")}); split the matrix, or raise maxVariants in the config`,
        ),
      );
      return false;
    }
  }
  return true;
}

/** Per-asset state shared by its variants. */
interface AssetScope {
  asset: AssetInput;
  /** The manifest's and asset's vars, under every variant's own. */
  base: Vars;
  tpl: Record<string, CompiledTemplate>;
  /** The prompt of a variant: the asset's, or the template its variables choose. */
  promptOf: (vars: Vars) => CompiledTemplate;
  /** Variables some field uses, with the first field that uses each (for include entries that stand alone). */
  used: Map<string, string>;
  /** True when include entries may leave a variable unset in some variants. */
  partial: boolean;
  /** The matrix's axis names. */
  axes: string[];
  /** Axis names and the keys include entries add. */
  matrixKeys: string[];
  cascade: Cascade;
  brand: { prefix?: string; suffix?: string } | undefined;
  declared: AssetSource;
  /** Checked settings by the values of the templated fields; null when they were wrong. */
  checked: Map<string, SpecSettings | null>;
  nameChecked: boolean;
  /** Set once a problem shared by every variant was reported: the rest are skipped. */
  stopped: boolean;
  report: (p: FieldPath, message: string, key?: boolean) => void;
  /** The manifest's source and the load's issue list (inherited settings report into the config). */
  source: YamlSource;
  issues: Issue[];
  at: (...rest: (string | number)[]) => FieldPath;
  refs: CompiledRef[];
  refSources: AssetSource[];
  /** Derived files and alt text (see extras.ts). */
  extras: AssetExtras;
  /** True when a {{var}} appears in model, resolution, aspectRatio, format or seed. */
  settingsTemplated: boolean;
  origin: (field: string) => Origin;
}

/** Checks what every variant of an asset shares (brand, template, variables); undefined after a problem. */
function prepareAsset(
  file: string,
  source: YamlSource,
  manifest: Manifest,
  asset: AssetInput,
  index: number,
  ctx: ExpandContext,
  issues: Issue[],
): AssetScope | undefined {
  const at = (...rest: (string | number)[]): FieldPath => ["assets", index, ...rest];
  const report = (p: FieldPath, message: string, key = false) => issues.push(source.issue(p, message, key));
  const before = issues.length;

  // Brand: asset → manifest; `none` switches it off.
  const brandName = asset.brand ?? manifest.brand;
  const brand = brandName && brandName !== "none" ? ctx.config.brands[brandName] : undefined;
  if (brandName && brandName !== "none" && !brand) {
    const p = asset.brand !== undefined ? at("brand") : ["brand"];
    report(p, `brand ${JSON.stringify(brandName)} is not defined in the config ${allowed(["none", ...Object.keys(ctx.config.brands)])}`);
  }

  const settings = cascade({ builtin: BUILTIN_DEFAULTS, config: ctx.config.defaults, brand, manifest: manifest.defaults, asset });
  const base: Vars = { ...manifest.vars, ...asset.vars };
  const include = asset.matrix?.include ?? [];
  const known = new Set([...Object.keys(base), ...Object.keys(axesOf(asset.matrix)), ...include.flatMap((e) => Object.keys(e))]);

  // Every template of this asset, compiled once and checked once (not per variant).
  const fields: TemplatedField[] = [{ field: "name", path: at("name"), t: compileTemplate(asset.name) }];
  if (asset.out !== undefined) fields.push({ field: "out", path: at("out"), t: compileTemplate(asset.out) });
  const refs = compileReferences(asset.references);
  for (const r of refs) fields.push({ field: `references[${r.index}]`, path: at("references", r.index), t: r.t });
  for (const f of TEMPLATED_FIELDS) {
    const v = settings.settings[f];
    if (typeof v === "string") fields.push({ field: f, path: asset[f] !== undefined ? at(f) : at(), t: compileTemplate(v) });
  }
  // The prompt: literal, a named template, or a template chosen by the variant's variables.
  const prompts = new Map<string, CompiledTemplate>();
  let promptOf: (vars: Vars) => CompiledTemplate;
  if (asset.template === undefined) {
    const t = compileTemplate(asset.prompt ?? "");
    fields.push({ field: "prompt", path: at("prompt"), t });
    promptOf = () => t;
  } else {
    const chooser = compileTemplate(asset.template);
    if (chooser.vars.length) fields.push({ field: "template", path: at("template"), t: chooser });
    const names = chooser.vars.length ? templateNames(chooser, asset, base, known) : [asset.template];
    for (const name of names) {
      const text = manifest.templates?.[name];
      if (text === undefined) {
        report(at("template"), `template ${JSON.stringify(name)} is not defined ${allowed(Object.keys(manifest.templates ?? {}))}`);
        continue;
      }
      const t = compileTemplate(text);
      prompts.set(name, t);
      fields.push({ field: `prompt:${name}`, path: at("template"), t, label: `template ${JSON.stringify(name)}` });
    }
    if (issues.length > before) return undefined;
    promptOf = chooser.vars.length ? (vars) => prompts.get(renderTemplate(chooser, vars))! : () => prompts.get(asset.template!)!;
  }
  const keys = Object.keys(axesOf(asset.matrix)).map((key) => ({ key, path: at("matrix", key) }));
  include.forEach((e, j) => {
    for (const key of Object.keys(e)) if (!keys.some((k) => k.key === key)) keys.push({ key, path: at("matrix", "include", j, key) });
  });
  const extras = extrasOf(asset, (f) => at(f), { manifest: manifest.defaults, brand, config: ctx.config.defaults });
  if (extras.alt && "template" in extras.alt) fields.push({ field: "alt", path: extras.alt.path, t: extras.alt.template });
  for (const p of checkVariables(fields, known, keys)) report(p.path, p.message, p.key);
  for (const p of checkMatrix(asset.matrix, fields, at("matrix"))) report(p.path, p.message, p.key);
  if (issues.length > before) return undefined;
  const used = new Map<string, string>();
  for (const f of fields) for (const v of f.t.vars) if (!used.has(headOf(v))) used.set(headOf(v), f.label ?? f.field);

  const locate = (p: FieldPath): AssetSource => ({ file, ...source.locate(p), path: formatPath(p) });
  const tpl = Object.fromEntries(fields.map((x) => [x.field, x.t])) as Record<string, CompiledTemplate>;
  return {
    asset,
    base,
    tpl,
    promptOf,
    used,
    partial: include.length > 0,
    axes: Object.keys(axesOf(asset.matrix)),
    matrixKeys: keys.map((k) => k.key),
    cascade: settings,
    brand,
    declared: locate(at()),
    checked: new Map(),
    nameChecked: false,
    stopped: false,
    report,
    source,
    issues,
    at,
    refs,
    refSources: refs.map((r) => locate(at("references", r.index))),
    extras,
    settingsTemplated: TEMPLATED_FIELDS.some((f) => tpl[f] !== undefined && tpl[f].vars.length > 0),
    origin: (f) => {
      const where = { path: at(), at: `${file}:${source.locate(at()).line}` };
      return originOf(f, f === "references" ? "asset" : settings.from[f], where, brandName, ctx.configSource);
    },
  };
}

function resolveVariant({ vars, include }: Variant, scope: AssetScope, ctx: ExpandContext): ResolvedAsset | undefined {
  const { tpl, at, report } = scope;
  if (scope.partial) {
    // With include entries, a variant may lack a variable the templates use.
    const missing = [...scope.used].filter(([v]) => vars[v] === undefined);
    if (missing.length) {
      const [v, field] = missing[0];
      const what = missing.map(([m]) => m).join(", ");
      if (include !== undefined)
        report(
          at("matrix", "include", include),
          `this entry matches no combination, so it becomes a variant of its own, but it does not set ${what} (${field} uses {{${v}}})`,
        );
      else
        report(
          at("matrix", "include"),
          `the combination ${describe(vars, scope.axes)} gets no ${what} from any include entry (${field} uses {{${v}}})`,
        );
      return undefined;
    }
  }
  const name = renderTemplate(tpl.name, vars, fileSafe);
  const variant = scope.asset.matrix ? ` (variant ${name})` : "";
  let refSpecs: ReferenceSpec[] = [];
  if (scope.refs.length) {
    const normalize = scope.cascade.settings.normalize;
    const r = resolveReferences(
      scope.refs,
      vars,
      scope.declared.file,
      normalize,
      ctx.refs,
      (p, m) => {
        // A reference without {{vars}} is the same for every variant: one report, and the rest are skipped.
        const fixed = scope.refs[p[p.length - 1] as number]?.t.vars.length === 0;
        if (fixed) scope.stopped = true;
        report(p, fixed ? m : m + variant);
      },
      (i) => at("references", i),
    );
    if (!r) return undefined;
    refSpecs = r;
  }
  const checked = settingsOf(vars, variant, scope, ctx, refSpecs.length);
  if (!checked) return undefined;
  if (scope.extras.candidates && !ctx.provider.capabilities[checked.model]?.seed) {
    // Takes differ only by seed: without one they would be one spec, paid N times.
    report(
      scope.extras.candidates.path,
      `candidates: ${scope.extras.candidates.n}${variant} needs a seed, and ${checked.model} on ${ctx.provider.name} does not take one; remove candidates or use a model that takes a seed`,
    );
    if (!scope.settingsTemplated) scope.stopped = true;
    return undefined;
  }
  const transparent = scope.extras.transparent;
  if (transparent) {
    const other = scope.extras.candidates ? "candidates" : scope.asset.grid ? "grid" : undefined;
    const problem = other
      ? `background: transparent cannot be combined with ${other} (yet); build the cut-out as an asset of its own`
      : transparentProblem(checked, ctx.provider, variant);
    if (problem) {
      report(transparent.path, problem);
      if (other || !scope.settingsTemplated) scope.stopped = true;
      return undefined;
    }
  }
  if (!scope.nameChecked) {
    // A name without {{vars}} is checked once; interpolated values are file-safe but can
    // still spell a device name (`con`) or end in a dot, so templated names are checked each.
    scope.nameChecked = tpl.name.vars.length === 0;
    const problem = nameProblem(name);
    if (problem) {
      report(at("name"), `${JSON.stringify(name)}: ${problem}`);
      if (scope.nameChecked) scope.stopped = true;
      return undefined;
    }
  }
  let output: string;
  if (tpl.out) {
    const o = outputInside(ctx.outDir, renderTemplate(tpl.out, vars, fileSafe));
    if ("error" in o) {
      report(at("out"), o.error);
      return undefined;
    }
    output = o.output;
  } else output = defaultOutput(ctx.outDir, name, extensionOf(checked.format));
  const grid = scope.asset.grid as [number, number] | undefined;
  const gridIssue = grid && gridProblem(grid, scope.asset.cells);
  if (gridIssue) {
    report(at(scope.asset.cells ? "cells" : "grid"), gridIssue);
    return undefined;
  }
  const body = assemblePrompt(renderTemplate(scope.promptOf(vars), vars), scope.brand);
  const prompt = grid ? sheetPrompt(body, grid, scope.asset.cells!) : body;
  const maxChars = ctx.provider.maxPromptChars;
  if (maxChars !== undefined && prompt.length > maxChars) {
    const chars = [...prompt].length;
    if (chars > maxChars) {
      const p = scope.asset.template !== undefined ? at("template") : at("prompt");
      report(
        p,
        `the prompt${variant} is ${chars.toLocaleString("en-US")} characters; ${ctx.provider.name} takes at most ${maxChars.toLocaleString("en-US")}`,
      );
      return undefined;
    }
  }
  const spec: AssetSpec = { provider: ctx.provider.name, ...checked, prompt, references: refSpecs };
  // An asset with {asset} references is hashed once its upstreams are linked (plan/graph.ts).
  const resolved: ResolvedAsset = {
    name,
    output,
    spec,
    hash: refSpecs.some((r) => r.kind === "asset") ? "" : specHash(spec),
    source: scope.declared,
  };
  if (scope.refSources.length) resolved.referenceSources = scope.refSources;
  if (scope.asset.matrix) resolved.matrix = matrixValues(vars, scope.matrixKeys);
  if (!applyExtras(resolved, scope.extras, vars, report)) return undefined;
  if (grid) {
    const cells = cellSpecs(output, checked.format, grid, scope.asset.cells!);
    const taken = new Set((resolved.derived ?? []).map((d) => d.output));
    const clash = cells.find((c) => taken.has(c.output));
    if (clash) {
      report(at("cells"), `cell file ${clash.output} is also written by a derive entry; rename the cell or give the entry a name`);
      return undefined;
    }
    resolved.derived = [...cells, ...(resolved.derived ?? [])];
  }
  return resolved;
}

/** The brand's prefix and suffix around the prompt, trimmed and joined by spaces. */
function assemblePrompt(body: string, brand: { prefix?: string; suffix?: string } | undefined): string {
  if (!brand) return body.trim();
  return [brand.prefix, body, brand.suffix]
    .filter((s) => s?.trim())
    .map((s) => s!.trim())
    .join(" ");
}

/** A variant's checked settings, memoised per asset: most variants share them. */
function settingsOf(vars: Vars, variant: string, scope: AssetScope, ctx: ExpandContext, references: number): SpecSettings | undefined {
  const { tpl } = scope;
  const s = scope.cascade.settings;
  const text = (f: string) => {
    const v = s[f];
    return typeof v === "string" && tpl[f] ? renderTemplate(tpl[f], vars) : v;
  };
  // Most assets template none of these fields: then every variant shares one cache entry.
  const key = scope.settingsTemplated ? `${TEMPLATED_FIELDS.map(text).join("\u0000")}\u0000${references}` : String(references);
  const hit = scope.checked.get(key);
  if (hit !== undefined) return hit ?? undefined;
  const raw: RawSettings = {
    model: text("model"),
    resolution: text("resolution"),
    aspectRatio: text("aspectRatio"),
    format: text("format"),
    seed: text("seed"),
    webSearch: s.webSearch,
  };
  const result = checkSettings(raw, ctx.provider, references);
  if ("problems" in result) {
    for (const p of result.problems) {
      const o = scope.origin(p.field);
      if (o.shared) {
        // One report for a setting many assets inherit, at the line that sets it.
        const key = `${(o.source ?? scope.source).file}\0${o.path.join(".")}\0${p.value}\0${p.message}`;
        const reported = (ctx.reported ??= new Set());
        if (reported.has(key)) continue;
        reported.add(key);
      }
      const v = o.source ? "" : variant;
      const message = p.value !== undefined ? `${p.value}${v} ${p.message}${o.note}` : `${p.message}${v}${o.note}`;
      if (o.source) scope.issues.push(o.source.issue(o.path, message));
      else scope.report(o.path, message);
    }
  }
  const settings = "settings" in result ? result.settings : null;
  scope.checked.set(key, settings);
  return settings ?? undefined;
}

/** The template names a templated `template:` picks over every variant (first seen first). */
function templateNames(chooser: CompiledTemplate, asset: AssetInput, base: Vars, known: ReadonlySet<string>): string[] {
  if (chooser.vars.some((v) => !known.has(headOf(v)))) return []; // reported as an unknown variable
  const names = new Set<string>();
  for (const { vars } of variants(asset.matrix, base)) {
    if (chooser.vars.every((v) => lookup(vars, v) !== undefined)) names.add(renderTemplate(chooser, vars));
  }
  return [...names];
}

/** `ratio=16:9, locale={code: de}`: a combination in words. */
function describe(vars: Vars, axes: string[]): string {
  return axes.map((k) => `${k}=${typeof vars[k] === "object" ? JSON.stringify(vars[k]) : String(vars[k])}`).join(", ");
}

/** A variant's matrix values as flat scalars (a mapping's fields as `key.field`), for reports. */
function matrixValues(vars: Vars, keys: string[]): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const k of keys) {
    const v = vars[k];
    if (v === undefined) continue;
    if (typeof v === "object") for (const f in v) out[`${k}.${f}`] = v[f];
    else out[k] = v;
  }
  return out;
}
