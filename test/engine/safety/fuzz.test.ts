import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { tempDir } from "../../helpers/temp-dir.js";
import { runMain } from "./helpers.js";

/**
 * Property: whatever config, manifests, lockfile and journal files a project holds, valid or
 * broken, every command either works or ends in a user error (exit 2) that points at a file and
 * line; never another exception, never a write outside the project. A bounded run here; the
 * long one is bench/fuzz.bench.mjs (NB_FUZZ_RUNS=…).
 */
const RUNS = Number(process.env.NB_FUZZ_RUNS ?? 25);
/** ~0.2 s a run on a loaded machine: the bench's 2,000 runs need ~400 s, the suite's 25 far less than 120 s. */
const TIMEOUT_MS = Math.max(120_000, RUNS * 800);
const SEED = process.env.NB_FUZZ_SEED ? Number(process.env.NB_FUZZ_SEED) : undefined;

const hex = (n: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${n}}$`));
const pathish = fc.oneof(
  fc.constantFrom("../x.png", "../../victim", "/etc/passwd", "a/../../b.png", "ok.png", "CON", "a\u202Eb.png"),
  fc.string(),
);
const anyValue = fc.oneof(fc.constant(null), fc.boolean(), fc.integer(), fc.string(), pathish, fc.jsonValue({ maxDepth: 2 }));

/** Mostly `good`, sometimes `bad`: most runs must get past the config to test anything else. */
const mostly = <T>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<unknown>) =>
  fc.oneof({ arbitrary: good, weight: 9 }, { arbitrary: bad, weight: 1 });
const rarely = <T>(arb: fc.Arbitrary<T>) => fc.oneof({ arbitrary: fc.constant(undefined), weight: 4 }, { arbitrary: arb, weight: 1 });

const config = fc.record(
  {
    provider: mostly(fc.constantFrom("apidot", "gemini", "fal", "revid"), anyValue),
    simulate: mostly(fc.constant(true), anyValue),
    manifests: mostly(fc.constant(["assets/*.yaml"]), anyValue),
    outDir: mostly(fc.constantFrom("generated", "."), pathish),
    lockfile: mostly(fc.constant("nanobanana.lock"), pathish),
    concurrency: mostly(fc.integer({ min: 1, max: 50 }), anyValue),
    defaults: mostly(
      fc.record(
        { model: fc.constantFrom("nano-banana-2", "nano-banana", "x"), resolution: fc.constantFrom("0.5K", "1K", "9K") },
        { requiredKeys: [] },
      ),
      anyValue,
    ),
  },
  { requiredKeys: ["manifests", "simulate"] },
);

const asset = fc.record(
  {
    name: mostly(fc.constantFrom("a", "b/c", "tile-{{n}}"), fc.oneof(fc.constantFrom("aux", "x."), fc.string())),
    prompt: mostly(fc.constantFrom("a cat", "tile {{n}}"), fc.oneof(fc.constant("{{missing}}"), fc.string())),
    out: rarely(pathish),
    matrix: mostly(fc.constant({ n: [1, 2] }), anyValue),
    aspectRatio: mostly(fc.constantFrom("1:1", "16:9"), anyValue),
    references: rarely(anyValue),
  },
  { requiredKeys: ["name", "prompt"] },
);
const manifest = mostly(
  fc.record({ assets: fc.array(asset, { minLength: 1, maxLength: 4 }) }),
  fc.oneof(fc.record({ assets: anyValue }), anyValue),
);

const lockEntry = fc.record(
  {
    hash: mostly(hex(64), pathish),
    provider: fc.constant("apidot"),
    model: fc.constant("nano-banana-2"),
    modelId: fc.constant("nano-banana-2"),
    taskId: fc.string(),
    output: mostly(fc.constant("generated/a.png"), pathish),
    sha256: hex(64),
    bytes: mostly(fc.nat(), anyValue),
    width: fc.nat(),
    height: fc.nat(),
    format: fc.constant("png"),
    cost: mostly(fc.constant({ usd: 0.05, source: "catalog" }), anyValue),
    generatedAt: fc.constant("2026-01-01T00:00:00Z"),
    spec: mostly(fc.constant({ prompt: "a cat", references: [] }), anyValue),
  },
  {
    requiredKeys: [
      "hash",
      "provider",
      "model",
      "modelId",
      "taskId",
      "output",
      "sha256",
      "bytes",
      "width",
      "height",
      "format",
      "cost",
      "generatedAt",
      "spec",
    ],
  },
);
const lockfile = fc.oneof(
  fc.record({
    version: fc.oneof(fc.constant(1), anyValue),
    assets: fc.dictionary(fc.string(), fc.oneof(lockEntry, anyValue), { maxKeys: 3 }),
  }),
  anyValue,
);
const journalEntry = fc.record(
  {
    hash: fc.oneof(hex(64), pathish),
    name: fc.string(),
    provider: fc.constantFrom("apidot", "gemini"),
    taskId: fc.oneof(fc.constant(""), fc.string()),
    key: fc.string(),
    submittedAt: fc.oneof(fc.constant("2026-01-01T00:00:00Z"), fc.string()),
    simulated: fc.oneof(fc.boolean(), anyValue),
    output: pathish,
  },
  { requiredKeys: [] },
);

/** A text: the value as YAML/JSON, sometimes cut short or with a byte changed. */
const text = (value: fc.Arbitrary<unknown>, json: boolean) =>
  fc
    .tuple(value, fc.option(fc.nat(), { nil: undefined }), fc.option(fc.string({ maxLength: 3 }), { nil: undefined }))
    .map(([v, cut, junk]) => {
      let t = json ? (JSON.stringify(v, null, 2) ?? "null") : stringify(v);
      if (cut !== undefined) t = t.slice(0, cut % (t.length + 1));
      if (junk !== undefined) t += junk;
      return t;
    });

const project = fc.record({
  config: text(config, false),
  manifests: fc.array(text(manifest, false), { minLength: 1, maxLength: 2 }),
  lock: fc.option(text(lockfile, true), { nil: undefined }),
  journal: fc.array(fc.tuple(fc.oneof(hex(64), fc.constantFrom("evil", "..", "x y")), text(journalEntry, true)), { maxLength: 2 }),
});

const GOOD_CONFIG = 'provider: apidot\nsimulate: true\nmanifests: ["assets/*.yaml"]\noutDir: generated\n';
const GOOD_MANIFEST = 'assets:\n  - name: "tile-{{n}}"\n    prompt: "tile {{n}}"\n    matrix: { n: [1, 2] }\n';

/** Every file below `dir` with its size and mtime: what "untouched" means. */
function snapshot(dir: string): string {
  return readdirSync(dir, { recursive: true })
    .map((f) => {
      const st = statSync(path.join(dir, String(f)));
      return `${f}:${st.size}:${st.mtimeMs}`;
    })
    .sort()
    .join("\n");
}

describe("fuzzed projects", () => {
  it(
    `load or end in a located user error, never crash, never write outside (${RUNS} runs)`,
    async () => {
      const parent = tempDir("nb-fuzz-");
      writeFileSync(path.join(parent, "victim.json"), "precious");
      mkdirSync(path.join(parent, "sibling"));
      writeFileSync(path.join(parent, "sibling", "notes.png"), "not an image");
      const outside = snapshot(parent);
      let n = 0;
      const tally: Record<string, number> = {};
      await fc.assert(
        fc.asyncProperty(project, async (p) => {
          // Runs take turns: everything generated; a good config with generated manifests; a good
          // project with only the lockfile and journal generated; a good project with no lockfile
          // and a generated journal (so each layer is reached, and some plans always load).
          const turn = n % 4;
          const dir = path.join(parent, `p${n++}`);
          mkdirSync(path.join(dir, "assets"), { recursive: true });
          writeFileSync(path.join(dir, "nanobanana.config.yaml"), turn === 0 ? p.config : GOOD_CONFIG);
          const manifests = turn >= 2 ? [GOOD_MANIFEST] : p.manifests;
          for (const [i, m] of manifests.entries()) writeFileSync(path.join(dir, "assets", `m${i}.yaml`), m);
          if (p.lock !== undefined && turn !== 3) writeFileSync(path.join(dir, "nanobanana.lock"), p.lock);
          mkdirSync(path.join(dir, ".nanobanana", "tasks"), { recursive: true });
          for (const [name, body] of p.journal) writeFileSync(path.join(dir, ".nanobanana", "tasks", `${name}.json`), body);
          for (const cmd of [["plan"], ["status"], ["tasks"], ["gc", "--dry-run"]]) {
            const r = await runMain([...cmd, "-C", dir]);
            const said = `${cmd.join(" ")} → ${r.code}\n${r.stderr}`;
            expect([0, 1, 2], said).toContain(r.code);
            tally[`${cmd[0]}:${r.code}`] = (tally[`${cmd[0]}:${r.code}`] ?? 0) + 1;
            expect(r.stderr, said).not.toMatch(/internal error|TypeError|ReferenceError|RangeError|SyntaxError: |\n\s+at /);
            if (r.code === 2) expect(r.stderr, said).toMatch(/[\w.-]+\.(yaml|yml|lock|json)(:\d+)?/);
          }
          expect(
            snapshot(parent)
              .split("\n")
              .filter((l) => !/^p\d+/.test(l))
              .join("\n"),
          ).toBe(outside);
          expect(readFileSync(path.join(parent, "victim.json"), "utf8")).toBe("precious");
        }),
        { numRuns: RUNS, seed: SEED, endOnFailure: true },
      );
      // Exit codes by command: the bench prints them, so a generator that only ever breaks the config shows.
      if (process.env.NB_FUZZ_TALLY) writeFileSync(process.env.NB_FUZZ_TALLY, JSON.stringify(tally));
      // The generators must reach past the config: some plans load.
      expect(tally["plan:0"] ?? 0, JSON.stringify(tally)).toBeGreaterThan(0);
    },
    TIMEOUT_MS,
  );
});
