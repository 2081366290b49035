import { readFileSync } from "node:fs";
import { findConfig } from "./find-config.js";
import { listManifests } from "./list-manifests.js";
import path from "node:path";
import { ConfigSchema, type Config } from "../../core/config/schema.js";
import { ConfigError, allowed, type Issue } from "../../core/errors/user-error.js";
import { YamlSource } from "../../core/errors/yaml-source.js";
import { zodIssues } from "../../core/errors/zod-issues.js";
import { expandManifest } from "../../core/manifest/expand.js";
import { ManifestSchema } from "../../core/manifest/schema.js";
import { checkUnique } from "../../core/manifest/unique.js";
import { applyPicks } from "../../core/manifest/candidates.js";
import { readLockWithText } from "../state/read-lock.js";
import type { Lockfile } from "../../core/lock/types.js";
import { assetGraph, linkAll } from "../../core/plan/graph.js";
import { PROVIDERS } from "../providers/registry.js";
import { ReferenceFiles } from "../references/files.js";
import { referencePolicy } from "../../core/references/policy.js";
import { LoadCache } from "./load-cache.js";
import { whenRequestsSent } from "../transport/requests-sent.js";
import { realPaths, staysInsideReally } from "../fs/real-path.js";
import type { Project, ProjectInputs, ResolvedAsset } from "../../core/project.js";
import { sha256 } from "../../core/hash.js";

export { CONFIG_NAMES, findConfig } from "./find-config.js";

export interface LoadOptions {
  /** Project folder (default: process.cwd()). */
  cwd?: string;
  /** Config file path, relative to cwd (default: nanobanana.config.yaml in cwd). */
  config?: string;
  /** Settings that win over the file's, e.g. `{ simulate: true }` from `--simulate`. */
  overrides?: Partial<Pick<Config, "simulate" | "provider" | "concurrency" | "batch">>;
  /** Reuse the expansion of manifests that did not change since the last load (watch mode). */
  cache?: LoadCache;
  /**
   * Keep that cache on disk too (`.nanobanana/cache/load.json`), so the next process skips
   * manifests that did not change (the CLI's build and plan; default false: a load only reads).
   * "after-first-requests": written once the first requests created after this load are on
   * their way (a build's first second of waiting), so that a build's first request does not
   * wait for it (~10 ms at 200 assets); savePendingCache writes it after a build that sent none.
   */
  persistCache?: boolean | "after-first-requests";
  /** Link asset references against this lockfile instead of reading it (`lock merge`: the file has conflict markers). */
  lock?: Lockfile;
}

/**
 * Loads the config and every manifest it globs, validates them and expands all variants.
 * Throws ConfigError listing every problem (file:line:col path: message); reads, never writes.
 */
export function loadProject(opts: LoadOptions = {}): Project {
  const cwd = path.resolve(opts.cwd ?? process.cwd());
  const configFile = findConfig(cwd, opts.config);
  const root = path.dirname(configFile);
  const rel = (abs: string) => path.relative(root, abs).split(path.sep).join("/");
  const { config, source: configSource, text: configText } = parseConfig(configFile, rel(configFile), opts.overrides);

  const issues: Issue[] = [];
  const inside = (field: "outDir" | "lockfile") => {
    const abs = path.resolve(root, config[field]);
    if (abs !== root && !abs.startsWith(root + path.sep))
      issues.push(configSource.issue([field], `${JSON.stringify(config[field])} is outside the project folder`));
    else if (!staysInsideReally(root, abs))
      issues.push(configSource.issue([field], `${JSON.stringify(config[field])} leads outside the project folder through a symbolic link`));
    return abs;
  };
  const outDir = inside("outDir");
  const lockfile = inside("lockfile");
  const provider = PROVIDERS[config.provider];
  if (!provider) {
    issues.push(
      configSource.issue(["provider"], `${JSON.stringify(config.provider)} is not available yet ${allowed(Object.keys(PROVIDERS))}`),
    );
  }
  if (config.batch && config.provider !== "gemini") {
    issues.push(
      configSource.issue(
        ["batch"],
        `batch mode needs provider: gemini (only Google's Gemini API has a Batch API, at half price); ${config.provider} has none. Set provider: gemini or drop batch${opts.overrides?.batch ? " (--batch)" : ""}`,
      ),
    );
  }
  if (issues.length) throw new ConfigError(dedupe(issues));

  const manifests = listManifests(root, config.manifests, rel(outDir));
  const cacheFile = path.join(root, ".nanobanana", "cache", "load.json");
  const cache = opts.cache ?? (opts.persistCache ? LoadCache.read(cacheFile) : undefined);
  let assets: ResolvedAsset[] = [];
  const files = new ReferenceFiles();
  const refs = { root, files, policy: referencePolicy(provider!), provider: config.provider };
  const reported = new Set<string>();
  const overridesKey = JSON.stringify(opts.overrides ?? {});
  const manifestDigests: ProjectInputs["manifests"] = [];
  for (const file of manifests) {
    let source: YamlSource;
    const text = readFileSync(path.join(root, file), "utf8");
    manifestDigests.push([file, sha256(text)]);
    const key = `${configText}\0${overridesKey}\0${text}`;
    const cached = cache?.get(file, key);
    if (cached) {
      for (const a of cached) assets.push(a);
      continue;
    }
    try {
      source = YamlSource.parse(file, text);
    } catch (err) {
      if (err instanceof ConfigError) {
        issues.push(...err.issues);
        continue;
      }
      throw err;
    }
    let data: unknown;
    try {
      data = source.toJS();
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      issues.push(...err.issues);
      continue;
    }
    if (Array.isArray(data)) {
      issues.push({
        file,
        line: 1,
        col: 1,
        path: "",
        message:
          'a manifest is a mapping with an "assets:" list; put "assets:" on a line of its own above this list and indent the list under it',
      });
      continue;
    }
    const parsed = ManifestSchema.safeParse(data);
    if (!parsed.success) {
      issues.push(...zodIssues(parsed.error, source, data, ManifestSchema));
      continue;
    }
    const before = issues.length;
    const ctx = { config, provider: provider!, outDir: rel(outDir) || ".", refs, configSource, reported };
    const expanded = expandManifest(file, source, parsed.data, ctx, issues);
    if (cache && issues.length === before) cache.set(file, key, expanded);
    for (const a of expanded) assets.push(a);
  }
  if (manifests.length === 0) {
    issues.push(configSource.issue(["manifests"], `no manifest file matches ${config.manifests.join(", ")}`));
  }
  checkUnique(assets, issues);
  checkRealOutputs(root, assets, issues);
  if (!staysInsideReally(root, path.join(root, ".nanobanana")))
    issues.push({
      file: rel(configFile),
      path: "",
      message: ".nanobanana is a symbolic link leading outside the project folder; remove it",
    });
  let lock = opts.lock;
  // What the expansion took from the lockfile (picks, upstream hashes), by the digest of its text.
  let lockDigest: string | undefined;
  const lockNow = () => {
    if (lock) return lock;
    const read = readLockWithText(lockfile, rel(lockfile));
    lockDigest = read.text === undefined ? "" : sha256(read.text);
    return (lock = read.lock);
  };
  // An asset with candidates has its picked take's spec (the pick is in the lockfile).
  if (!issues.length && assets.some((a) => a.candidates)) assets = applyPicks(assets, lockNow().picks);
  const graph = issues.length ? undefined : assetGraph(assets, issues);
  if (issues.length) throw new ConfigError(dedupe(issues));
  if (graph && graph.upstream.size > 0) {
    // Downstream specs carry the upstream output's hash: from the lock when it is current.
    const lock = lockNow();
    assets = linkAll(assets, graph, (up) => {
      const e = lock.assets[up.name];
      return e && e.hash === up.hash && Boolean(e.simulated) === config.simulate ? e.sha256 : undefined;
    });
  }
  let saveLater: (() => void) | undefined;
  if (opts.persistCache && cache) {
    cache.retain(manifests);
    if (opts.persistCache === "after-first-requests") {
      saveLater = () => cache.save(cacheFile); // a no-op once saved (nothing changed since)
      void whenRequestsSent().then(saveLater);
    } else cache.save(cacheFile);
  }
  const dependencies = graph && { upstream: graph.upstream, downstream: graph.downstream };
  const inputs: ProjectInputs = {
    config: sha256(configText),
    overrides: overridesKey,
    manifests: manifestDigests,
    references: files.digests(),
    ...(lock ? { lock: lockDigest ?? "given" } : {}),
  };
  const project = { root, configFile, config, manifests, assets, lockfile, outDir, referenceFiles: files.files(), dependencies, inputs };
  if (saveLater) pendingSaves.set(project, saveLater);
  return project;
}

/** Expansion caches a load left to write after the first requests ("after-first-requests"). */
const pendingSaves = new WeakMap<Project, () => void>();

/** Writes the expansion cache that loading `project` left for later, if it is not written yet (a build that sent nothing). */
export function savePendingCache(project: Project): void {
  pendingSaves.get(project)?.();
}

/** Parses and validates the config file. */
export function parseConfig(
  abs: string,
  shown: string,
  overrides?: LoadOptions["overrides"],
): { config: Config; source: YamlSource; text: string } {
  const text = readFileSync(abs, "utf8");
  const source = YamlSource.parse(shown, text);
  const data = source.toJS() ?? {};
  if (Array.isArray(data))
    throw new ConfigError([{ file: shown, line: 1, col: 1, path: "", message: "the config is a mapping (key: value), not a list" }]);
  const parsed = ConfigSchema.safeParse(data);
  if (!parsed.success) throw new ConfigError(zodIssues(parsed.error, source, data, ConfigSchema));
  const config = parsed.data;
  for (const [k, v] of Object.entries(overrides ?? {})) if (v !== undefined) (config as Record<string, unknown>)[k] = v;
  return { config, source, text };
}

/** The same problem met by many variants of one asset is reported once (with the first variant's name). */
function dedupe(issues: Issue[]): Issue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.file}:${i.line}:${i.col}:${i.path}:${i.message.replace(/ \(variant [^)]*\)/, "")}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Each output, links followed, stays in the project (checked per folder: outputs share few). */
function checkRealOutputs(root: string, assets: ResolvedAsset[], issues: Issue[]): void {
  const verdict = new Map<string, boolean>();
  const real = realPaths();
  for (const a of assets) {
    // Keyed by the output's own folder text (posix, relative): one path join per folder, not per asset.
    const relDir = a.output.slice(0, Math.max(0, a.output.lastIndexOf("/")));
    let ok = verdict.get(relDir);
    if (ok === undefined) verdict.set(relDir, (ok = staysInsideReally(root, path.dirname(path.join(root, a.output)), real)));
    if (!ok)
      issues.push({
        ...a.source,
        message: `output ${a.output} leads outside the project folder through a symbolic link`,
      });
  }
}
