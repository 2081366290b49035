import path from "node:path";
import {
  ASPECT_RATIOS,
  FORMATS,
  RESOLUTIONS,
  extensionOf,
  type AspectRatio,
  type ImageFormat,
  type ModelFamily,
  type Resolution,
} from "../catalog/models.js";
import type { Config } from "../config/schema.js";
import type { Settings } from "../config/settings-schema.js";
import { allowed, type Issue } from "../errors/user-error.js";
import { formatPath, type FieldPath, type YamlSource } from "../errors/yaml-source.js";
import { specHash } from "../hash.js";
import type { AssetSource, AssetSpec, ReferenceSpec, ResolvedAsset } from "../project.js";
import { compileReferences, resolveReferences, type CompiledRef, type RefContext } from "../references/expand-refs.js";
import { checkCapabilities } from "../catalog/capabilities.js";
import type { ProviderProfile } from "../catalog/provider-profile.js";
import type { AssetInput, Manifest } from "./schema.js";
import { normalizeModel } from "./settings.js";
import { applyExtras, extrasOf, type AssetExtras } from "./extras.js";
import { compileTemplate, fileSafe, renderTemplate, type CompiledTemplate } from "./template.js";

/** What expansion needs besides the manifest itself. */
export interface ExpandContext {
  config: Config;
  provider: ProviderProfile;
  /** The config's outDir, relative to the project root, posix. */
  outDir: string;
  /** Reads and checks local reference files. */
  refs: RefContext;
}

type Vars = Record<string, string | number | boolean>;
const TEMPLATED_FIELDS = ["resolution", "aspectRatio", "format", "seed", "model"] as const;
/** What an asset gets when no layer sets a field. */
const BUILTIN_DEFAULTS = { model: "nano-banana-2", resolution: "1K", aspectRatio: "1:1", format: "png" };

/**
 * Expands one manifest into concrete assets: cascades settings, fills templates, expands
 * matrices, checks the provider's capabilities and hashes each spec. Problems are collected,
 * not thrown, so that one run reports them all.
 */
export function expandManifest(file: string, source: YamlSource, manifest: Manifest, ctx: ExpandContext, issues: Issue[]): ResolvedAsset[] {
  const out: ResolvedAsset[] = [];
  manifest.assets.forEach((asset, index) => {
    const at = (field?: string | number, ...rest: (string | number)[]): FieldPath =>
      field === undefined ? ["assets", index] : ["assets", index, field, ...rest];
    const report = (p: FieldPath, message: string, key = false) => issues.push(source.issue(p, message, key));
    const before = issues.length;

    // Brand: asset → manifest; `none` switches it off.
    const brandName = asset.brand ?? manifest.brand;
    const brand = brandName && brandName !== "none" ? ctx.config.brands[brandName] : undefined;
    if (brandName && brandName !== "none" && !brand) {
      const p = asset.brand !== undefined ? at("brand") : ["brand"];
      report(p, `brand ${JSON.stringify(brandName)} is not defined in the config ${allowed(["none", ...Object.keys(ctx.config.brands)])}`);
    }

    // Prompt text: literal or from a template.
    let promptText = asset.prompt ?? "";
    let promptPath: FieldPath = at("prompt");
    if (asset.template !== undefined) {
      const t = manifest.templates?.[asset.template];
      if (t === undefined) {
        report(
          at("template"),
          `template ${JSON.stringify(asset.template)} is not defined ${allowed(Object.keys(manifest.templates ?? {}))}`,
        );
        return;
      }
      promptText = t;
      promptPath = at("template");
    }

    const settings = cascade(BUILTIN_DEFAULTS, ctx.config.defaults, pickSettings(brand), manifest.defaults, pickSettings(asset));
    const matrix = asset.matrix ?? {};
    const known = new Set([...Object.keys(manifest.vars ?? {}), ...Object.keys(asset.vars ?? {}), ...Object.keys(matrix)]);

    // Every template of this asset, compiled once and checked once (not per variant).
    const templates: { field: string; path: FieldPath; t: CompiledTemplate }[] = [
      { field: "name", path: at("name"), t: compileTemplate(asset.name) },
      { field: "prompt", path: promptPath, t: compileTemplate(promptText) },
    ];
    if (asset.out !== undefined) templates.push({ field: "out", path: at("out"), t: compileTemplate(asset.out) });
    const refs = compileReferences(asset.references);
    for (const r of refs) templates.push({ field: `references[${r.index}]`, path: at("references", r.index), t: r.t });
    for (const f of TEMPLATED_FIELDS) {
      const v = settings[f];
      if (typeof v === "string") templates.push({ field: f, path: asset[f] !== undefined ? at(f) : at(), t: compileTemplate(v) });
    }
    const extras = extrasOf(asset, (f) => at(f), { manifest: manifest.defaults, brand, config: ctx.config.defaults });
    if (extras.alt && "template" in extras.alt) templates.push({ field: "alt", path: extras.alt.path, t: extras.alt.template });
    const used = new Set<string>();
    for (const { field, path: p, t } of templates) {
      for (const v of t.vars) {
        used.add(v);
        if (!known.has(v)) {
          const what = field === "prompt" && asset.template !== undefined ? `template ${JSON.stringify(asset.template)}` : field;
          report(p, `${what} uses {{${v}}}, which is not set in vars or matrix${known.size ? ` (set: ${[...known].join(", ")})` : ""}`);
        }
      }
    }
    for (const key of Object.keys(matrix)) {
      if (!used.has(key)) report(at("matrix", key), `matrix key ${JSON.stringify(key)} is not used in the name, prompt or any field`, true);
    }
    if (issues.length > before) return;

    const declared: AssetSource = { file, ...source.locate(at()), path: formatPath(at()) };
    const refSources = refs.map(
      (r): AssetSource => ({ file, ...source.locate(at("references", r.index)), path: formatPath(at("references", r.index)) }),
    );
    const tpl = Object.fromEntries(templates.map((x) => [x.field, x.t])) as Record<string, CompiledTemplate>;
    const origin = (f: string): { path: FieldPath; note: string } => {
      const has = (layer: unknown) => layer !== undefined && (layer as Record<string, unknown>)[f] !== undefined;
      if (has(asset) || f === "references") return { path: at(f), note: "" };
      if (has(manifest.defaults)) return { path: ["defaults", f], note: ` (from this manifest's defaults, for ${formatPath(at())})` };
      if (has(brand)) return { path: at(f), note: ` (from brand ${JSON.stringify(brandName)} in the config)` };
      if (has(ctx.config.defaults)) return { path: at(f), note: " (from the config's defaults)" };
      return { path: at(f), note: " (the built-in default)" };
    };
    const scope: AssetScope = {
      asset,
      tpl,
      settings,
      brand,
      declared,
      checked: new Map(),
      nameChecked: false,
      report,
      at,
      refs,
      refSources,
      extras,
      origin,
      settingsTemplated: TEMPLATED_FIELDS.some((f) => tpl[f] !== undefined && tpl[f].vars.length > 0),
    };
    const base: Vars = { ...manifest.vars, ...asset.vars };
    for (const combo of combinations(matrix)) {
      const vars = combo ? withBase(combo, base) : base;
      const resolved = resolveVariant(vars, scope, ctx);
      if (resolved) out.push(resolved);
      else if (issues.length - before > 20) return; // one broken asset need not print 10,000 lines
    }
  });
  return out;
}

/** Settings of a variant after validation; cached per asset, since most variants share them. */
interface CheckedSettings {
  model: ModelFamily;
  modelId: string;
  resolution: Resolution;
  aspectRatio: AspectRatio;
  format: ImageFormat;
  seed?: number;
  webSearch: boolean;
}

/** Per-asset state shared by its variants. */
interface AssetScope {
  asset: AssetInput;
  tpl: Record<string, CompiledTemplate>;
  settings: Settings & Record<string, unknown>;
  brand: { prefix?: string; suffix?: string } | undefined;
  declared: AssetSource;
  checked: Map<string, CheckedSettings | null>;
  nameChecked: boolean;
  report: (p: FieldPath, message: string, key?: boolean) => void;
  at: (field?: string | number, ...rest: (string | number)[]) => FieldPath;
  refs: CompiledRef[];
  refSources: AssetSource[];
  /** Derived files and alt text (see extras.ts). */
  extras: AssetExtras;
  /** True when a {{var}} appears in model, resolution, aspectRatio, format or seed. */
  settingsTemplated: boolean;
  /** Where a setting of this asset comes from: the path to point an error at, and a note. */
  origin: (field: string) => { path: FieldPath; note: string };
}

function resolveVariant(vars: Vars, scope: AssetScope, ctx: ExpandContext): ResolvedAsset | undefined {
  const { tpl, at, report } = scope;
  const name = renderTemplate(tpl.name, vars, fileSafe);
  let refSpecs: ReferenceSpec[] = [];
  if (scope.refs.length) {
    const variant = scope.asset.matrix ? ` (variant ${name})` : "";
    const r = resolveReferences(
      scope.refs,
      vars,
      scope.declared.file,
      scope.settings.normalize as never,
      ctx.refs,
      (p, m) => report(p, m + variant),
      (i) => at("references", i),
    );
    if (!r) return undefined;
    refSpecs = r;
  }
  const checked = checkSettings(vars, name, scope, ctx, refSpecs.length);
  if (!checked) return undefined;
  if (!scope.nameChecked) {
    // Interpolated values are file-safe, so the name's literal parts decide: check once.
    scope.nameChecked = true;
    const problem = checkName(name);
    if (problem) {
      report(at("name"), `${JSON.stringify(name)}: ${problem}`);
      scope.checked.clear();
      scope.checked.set("*", null);
    }
  }
  if (scope.checked.get("*") === null) return undefined;
  let output: string;
  if (tpl.out) {
    const rel = renderTemplate(tpl.out, vars, fileSafe);
    output = path.posix.normalize(path.posix.join(ctx.outDir, rel));
    const inside = ctx.outDir === "." ? !output.startsWith("../") && output !== ".." : output.startsWith(`${ctx.outDir}/`);
    if (path.posix.isAbsolute(rel) || !inside) {
      report(at("out"), `output ${JSON.stringify(rel)} would leave outDir ${JSON.stringify(ctx.outDir)}`);
      return undefined;
    }
  } else {
    const file = `${name}.${extensionOf(checked.format)}`;
    output = ctx.outDir === "." ? file : `${ctx.outDir}/${file}`;
  }
  const body = renderTemplate(tpl.prompt, vars);
  const brand = scope.brand;
  const prompt = brand
    ? [brand.prefix, body, brand.suffix]
        .filter((s) => s?.trim())
        .map((s) => s!.trim())
        .join(" ")
    : body.trim();
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
  if (!applyExtras(resolved, scope.extras, vars, report)) return undefined;
  return resolved;
}

/** Validates a variant's model, enums, seed and provider capabilities; memoised per asset. */
function checkSettings(vars: Vars, name: string, scope: AssetScope, ctx: ExpandContext, references: number): CheckedSettings | undefined {
  const { tpl, settings, asset, report } = scope;
  const text = (f: string) => {
    const v = settings[f];
    return typeof v === "string" && tpl[f] ? renderTemplate(tpl[f], vars) : v;
  };
  // Most assets template none of these fields: then every variant shares one cache entry.
  const key = scope.settingsTemplated ? `${TEMPLATED_FIELDS.map(text).join("\u0000")}\u0000${references}` : String(references);
  const hit = scope.checked.get(key);
  if (hit !== undefined) return hit ?? undefined;
  const fieldPath = (f: string) => scope.origin(f).path;
  const variant = asset.matrix ? ` (variant ${name})` : "";
  let ok = true;
  const oneOf = <T extends string>(f: string, values: readonly T[]): T => {
    const v = text(f) as T;
    if (!values.includes(v)) {
      ok = false;
      report(fieldPath(f), `${JSON.stringify(v)}${variant} is not one of ${values.join(", ")}${scope.origin(f).note}`);
    }
    return v;
  };
  const resolution = oneOf<Resolution>("resolution", RESOLUTIONS);
  const aspectRatio = oneOf<AspectRatio>("aspectRatio", ASPECT_RATIOS);
  const format = oneOf<ImageFormat>("format", FORMATS);
  const model = normalizeModel(String(text("model")));
  if ("error" in model) {
    report(fieldPath("model"), model.error + variant + scope.origin("model").note);
    ok = false;
  }
  let seed: number | undefined;
  const rawSeed = text("seed");
  if (rawSeed !== undefined) {
    seed = Number(rawSeed);
    if (!Number.isInteger(seed) || seed < 0 || seed > 2 ** 31 - 1) {
      report(fieldPath("seed"), `${JSON.stringify(rawSeed)}${variant} is not a whole number from 0 to 2147483647`);
      ok = false;
    }
  }
  const webSearch = settings.webSearch ?? false;
  let result: CheckedSettings | null = null;
  if (ok && !("error" in model)) {
    const problems = checkCapabilities(ctx.provider.name, ctx.provider.capabilities, {
      model: model.family,
      resolution,
      aspectRatio,
      format,
      seed,
      webSearch,
      references,
    });
    for (const p of problems) report(fieldPath(p.field), p.message + variant + scope.origin(p.field).note);
    if (problems.length === 0) {
      const cap = ctx.provider.capabilities[model.family]!;
      result = { model: model.family, modelId: references > 0 ? cap.editId! : cap.id, resolution, aspectRatio, format, seed, webSearch };
    }
  }
  scope.checked.set(key, result);
  return result ?? undefined;
}

/** A name is a relative path of non-empty segments: no `..`, no leading `/`, no backslash. */
function checkName(name: string): string | undefined {
  if (name.startsWith("/") || name.includes("\\")) return "names are relative paths with / separators";
  if (name.split("/").some((s) => s === "" || s === "." || s === "..")) return "name segments must not be empty, . or ..";
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what this refuses
  if (/[\u0000-\u001f:*?"<>|]/.test(name)) return 'names must not contain control characters or : * ? " < > |';
  return undefined;
}

function pickSettings(x: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!x) return undefined;
  const { model, resolution, aspectRatio, format, seed, webSearch, normalize } = x;
  return { model, resolution, aspectRatio, format, seed, webSearch, normalize };
}

/** Later layers win; an undefined field does not erase an earlier one. */
function cascade(...layers: (Record<string, unknown> | undefined)[]): Settings & Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const layer of layers) {
    if (!layer) continue;
    for (const [k, v] of Object.entries(layer)) if (v !== undefined) out[k] = v;
  }
  return out as Settings & Record<string, unknown>;
}

/** Fills a variant's own vars object with the shared ones it does not override (no copy of both). */
function withBase(combo: Vars, base: Vars): Vars {
  for (const k in base) if (!(k in combo)) combo[k] = base[k];
  return combo;
}

/** The cartesian product of a matrix, in key order; one `undefined` when there is no matrix. */
function* combinations(matrix: Record<string, (string | number | boolean)[]>): Generator<Vars | undefined> {
  const keys = Object.keys(matrix);
  if (keys.length === 0) {
    yield undefined;
    return;
  }
  const idx = new Array(keys.length).fill(0);
  for (;;) {
    const combo: Vars = {};
    for (let i = 0; i < keys.length; i++) combo[keys[i]] = matrix[keys[i]][idx[i]];
    yield combo;
    let i = keys.length - 1;
    while (i >= 0 && ++idx[i] === matrix[keys[i]].length) idx[i--] = 0;
    if (i < 0) return;
  }
}
