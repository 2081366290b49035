import path from "node:path";
import type { FieldPath } from "../errors/yaml-source.js";
import { compileTemplate, renderTemplate, type CompiledTemplate } from "../manifest/template.js";
import type { ReferenceSpec } from "../spec.js";
import type { ReferenceFileReader } from "./file-facts.js";
import { mb, type ReferencePolicy } from "./policy.js";
import type { NormalizeOptions, ReferenceInputSpec } from "./schema.js";

/** What resolving references needs from the load. */
export interface RefContext {
  /** Absolute project root. */
  root: string;
  files: ReferenceFileReader;
  policy: ReferencePolicy;
  provider: string;
  /** Resolved references by manifest, kind and value: variants repeat the same ones. */
  memo?: Map<string, ReferenceSpec | string>;
}

export interface CompiledRef {
  kind: "auto" | "file" | "url" | "asset";
  t: CompiledTemplate;
  index: number;
}

/** Compiles an asset's `references:` once (their {{vars}} are checked with the other templates). */
export function compileReferences(refs: ReferenceInputSpec[] | undefined): CompiledRef[] {
  return (refs ?? []).map((r, index) => {
    if (typeof r === "string") return { kind: "auto", t: compileTemplate(r), index };
    if ("file" in r) return { kind: "file", t: compileTemplate(r.file), index };
    if ("url" in r) return { kind: "url", t: compileTemplate(r.url), index };
    return { kind: "asset", t: compileTemplate(r.asset), index };
  });
}

const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;

/**
 * One variant's references as spec entries: files hashed (content, not path), URLs checked
 * to be https, asset names kept for the graph step. Reports problems; undefined if any.
 */
export function resolveReferences(
  compiled: CompiledRef[],
  vars: Record<string, unknown>,
  manifestFile: string,
  normalize: NormalizeOptions | undefined,
  ctx: RefContext,
  report: (p: FieldPath, message: string) => void,
  at: (i: number) => FieldPath,
): ReferenceSpec[] | undefined {
  const out: ReferenceSpec[] = [];
  let ok = true;
  const memo = (ctx.memo ??= new Map());
  const norm = normalize && (normalize.maxSide || normalize.stripMetadata) ? { ...normalize } : undefined;
  for (const c of compiled) {
    const value = renderTemplate(c.t, vars).trim();
    const key = `${manifestFile}\0${c.kind}\0${value}\0${norm ? JSON.stringify(norm) : ""}`;
    let r = memo.get(key);
    if (r === undefined) {
      r = resolveOne(c.kind, value, manifestFile, norm, ctx);
      memo.set(key, r);
    }
    if (typeof r === "string") {
      ok = false;
      report(at(c.index), r);
    } else out.push(r);
  }
  return ok ? out : undefined;
}

/** One reference, or what is wrong with it. */
function resolveOne(
  declared: CompiledRef["kind"],
  value: string,
  manifestFile: string,
  normalize: NormalizeOptions | undefined,
  ctx: RefContext,
): ReferenceSpec | string {
  const kind = declared === "auto" ? (SCHEME.test(value) ? "url" : "file") : declared;
  if (kind === "asset") return { kind: "asset", ref: value };
  if (kind === "url") {
    let url: URL | undefined;
    try {
      url = new URL(value);
    } catch {
      /* reported below */
    }
    if (url?.protocol !== "https:")
      return `${JSON.stringify(value)} is not an https:// URL (allowed: https:// URLs, local files relative to the manifest, or { asset: name })`;
    return { kind: "url", ref: value, url: url.href };
  }
  const abs = path.resolve(ctx.root, path.dirname(manifestFile), value);
  const rel = path.relative(ctx.root, abs).split(path.sep).join("/");
  const facts = ctx.files.inspect(abs);
  if ("error" in facts) return `reference file ${rel} ${facts.error} (paths are relative to ${manifestFile})`;
  if (!facts.mime || !ctx.policy.types.includes(facts.mime))
    return `reference file ${rel} is ${facts.mime ?? facts.looksLike}, not an image ${ctx.provider} takes (allowed: ${ctx.policy.types.join(", ")})`;
  if (facts.bytes > ctx.policy.maxBytes && !normalize?.maxSide) {
    return `reference file ${rel} is ${mb(facts.bytes)}; ${ctx.provider} takes reference images up to ${mb(ctx.policy.maxBytes)} (shrink it, or set normalize: { maxSide: 2048 })`;
  }
  return { kind: "file", ref: rel, sha256: facts.sha256, ...(normalize ? { normalize } : {}) };
}
