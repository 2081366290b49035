import { describe, expect, it } from "vitest";
import { readPlainYaml } from "../../../src/core/errors/yaml-fast.js";
import { YamlSource, type FieldPath } from "../../../src/core/errors/yaml-source.js";

/**
 * The fast reader never decides on its own what a document means: whenever it reads one, the
 * `yaml` package reads the same value, and every path is located at the same line and column.
 */
function agrees(text: string): "fast" | "slow" {
  let slow: YamlSource | undefined;
  try {
    slow = YamlSource.parse("m.yaml", text, { fast: false });
  } catch {
    slow = undefined;
  }
  const fast = readPlainYaml(text);
  if (!fast) return "slow";
  if (!slow) throw new Error(`the fast reader read a document the yaml package refuses:\n${text}`);
  const source = YamlSource.parse("m.yaml", text);
  expect(source.readFast).toBe(true);
  const value = slow.toJS();
  expect(source.toJS(), text).toStrictEqual(value);
  for (const path of pathsOf(value)) {
    expect(source.locate(path), `${text}\n${JSON.stringify(path)}`).toEqual(slow.locate(path));
    expect(source.locate(path, true), `${text}\n${JSON.stringify(path)} (key)`).toEqual(slow.locate(path, true));
    expect(source.locate([...path, "nope"])).toEqual(slow.locate([...path, "nope"]));
    expect(source.locate([...path, 99])).toEqual(slow.locate([...path, 99]));
  }
  return "fast";
}

function pathsOf(value: unknown, at: FieldPath = []): FieldPath[] {
  const out: FieldPath[] = [at];
  if (Array.isArray(value)) for (const [i, v] of value.entries()) out.push(...pathsOf(v, [...at, i]));
  else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) out.push(...pathsOf(v, [...at, k]));
  return out;
}

describe("the fast YAML reader", () => {
  it("reads the manifests and configs nanobanana writes and documents", () => {
    const bench = `assets:\n${Array.from({ length: 50 }, (_, i) => `  - { name: "a${i}", prompt: "bench 1-2 image number ${i}" }`).join("\n")}\n`;
    const quickstart = [
      "# yaml-language-server: $schema=../../../schema/manifest.schema.json",
      "brand: aether",
      "defaults: { model: nano-banana-pro, resolution: 2K }",
      "templates:",
      '  hero: "Studio product photo of {{product}} on {{surface}}."',
      "assets:",
      '  - name: "hero/{{product}}-{{ratio}}"',
      "    template: hero",
      '    vars: { surface: "black marble" }',
      '    matrix: { product: [earbuds, headphones], ratio: ["1:1", "16:9"] }',
      '    aspectRatio: "{{ratio}}"',
      "  - name: banner",
      "    prompt: \"Wide banner with the words 'Hear Everything' in clean sans-serif.\"",
      "    model: nano-banana-2        # seeds are taken by nano-banana-2",
      "    seed: 7",
      "",
    ].join("\n");
    const config = [
      "provider: apidot              # apidot | gemini | fal | revid",
      "simulate: true",
      'manifests: ["assets/**/*.yaml"]',
      "concurrency: 4",
      'defaults: { model: nano-banana-2, resolution: 1K, aspectRatio: "1:1", format: png }',
      "brands:",
      "  aether:",
      '    prefix: "Aether Audio house style."',
      "providers:",
      '  apidot: { baseUrl: "https://api.apidot.ai", apiKeyEnv: APIDOT_API_KEY }',
      "",
    ].join("\n");
    const dashAtKeyIndent = "assets:\n- name: a\n  prompt: x\n  matrix:\n    size: [1, 2]\n- name: b\n  strength: 0.5\n";
    const words = "a: null\nb: ~\nc: true\nd: FALSE\ne: -0.25\n";
    for (const text of [bench, quickstart, config, dashAtKeyIndent, words]) expect(agrees(text)).toBe("fast");
  });

  it("leaves everything else to the yaml package", () => {
    const slow = [
      "a: |\n  text\n",
      "a: >\n  text\n",
      "a: &x 1\nb: *x\n",
      "a: !!str 1\n",
      "a: 1\na: 2\n",
      "a:\n",
      "a: b: c\n",
      "a: x\n  continued\n",
      "a: 'open\n  close'\n",
      "a: { b: 1,\n  c: 2 }\n",
      "a: 1e5\n",
      "a: 0x1F\n",
      "a: .inf\n",
      '"a":1\n',
      "a:\tb\n",
      "---\na: 1\n",
      "a: { b: 1, }\n",
      "a: [x, ]\n",
      'a: "\\x41"\n',
      "__proto__: 1\n",
      "  a: 1\n",
      "- - a\n",
      "a:\r\n  b: 1\r\n",
      "",
      "# only a comment\n",
    ];
    for (const text of slow) expect(agrees(text), text).toBe("slow");
  });

  it("agrees with the yaml package on thousands of generated documents and their near misses", () => {
    const rand = mulberry32(9);
    let fast = 0;
    for (let n = 0; n < 3000; n++) {
      const text = emitDocument(rand);
      if (agrees(text) === "fast") fast++;
      // A near miss: one character inserted, removed or swapped somewhere.
      agrees(mutate(text, rand));
    }
    // Most generated documents are plain: the fast reader must take them, not give them all up.
    expect(fast).toBeGreaterThan(800);
  });
});

type Rand = () => number;

function mulberry32(seed: number): Rand {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(rand: Rand, xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];

const KEYS = ["name", "prompt", "model", "a", "b-c", "x.y", "hero/one", "_k", "seed", "Yes", "k1"];
const TRICKY_KEYS = ["true", "null", "1", "a b", "<<", "__proto__", "-k", "k:"];
const SAFE = [
  "earbuds",
  "nano-banana-2",
  "1K",
  "0.5K",
  "16:9",
  "a b c",
  "7",
  "-3",
  "0",
  "0.5",
  "-2.25",
  "true",
  "False",
  "null",
  "~",
  "é ü",
];
const TRICKY = [
  "007",
  "1e5",
  "yes",
  "no",
  "on",
  "a#b",
  "a #b",
  "x: y",
  "http://h.x/p",
  "-x",
  "&a",
  "*a",
  "!t",
  "|",
  ">",
  "?",
  "%",
  "@at",
  "{{product}}",
  "a,b",
  "[a]",
  "12345678901234567",
  ".5",
  "+1",
  "0x1F",
];
const QUOTED = ["plain", "16:9", "it's", 'say "hi"', "tab\\there", "\\u00e9", "# not a comment", " lead", "trail ", "", "x: y"];
const TRICKY_QUOTED = ["a\\b", "\\x41", "\\N", "\\U0001F600"];

function scalar(rand: Rand): string {
  const r = rand();
  if (r < 0.53) return pick(rand, SAFE);
  if (r < 0.55) return pick(rand, TRICKY);
  const body = rand() < 0.05 ? pick(rand, TRICKY_QUOTED) : pick(rand, QUOTED);
  if (r < 0.85) return `"${body.replaceAll('"', '\\"')}"`;
  return `'${body.replaceAll("\\", "").replaceAll("'", "''")}'`;
}

function key(rand: Rand): string {
  const k = rand() < 0.03 ? pick(rand, TRICKY_KEYS) : pick(rand, KEYS);
  return rand() < 0.15 ? `"${k}"` : k;
}

function flowValue(rand: Rand, depth: number): string {
  const r = rand();
  if (depth > 2 || r < 0.6) return scalar(rand);
  const n = Math.floor(rand() * 4);
  const sp = rand() < 0.5 ? " " : "";
  if (r < 0.8) return `[${sp}${Array.from({ length: n }, () => flowValue(rand, depth + 1)).join(", ")}${sp}]`;
  return `{${sp}${Array.from({ length: n }, () => `${key(rand)}: ${flowValue(rand, depth + 1)}`).join(", ")}${sp}}`;
}

function comment(rand: Rand): string {
  return rand() < 0.15 ? pick(rand, ["  # note", " #x", "#glued"]) : "";
}

function emitMap(rand: Rand, indent: number, depth: number, lines: string[], firstPrefix?: string): void {
  const n = 1 + Math.floor(rand() * 4);
  for (let i = 0; i < n; i++) {
    const pad = i === 0 && firstPrefix !== undefined ? firstPrefix : " ".repeat(indent);
    if (rand() < 0.08) lines.push(`${" ".repeat(Math.floor(rand() * 6))}# a comment line`);
    if (rand() < 0.05) lines.push("");
    const k = key(rand);
    const r = rand();
    if (depth < 3 && r < 0.25) {
      lines.push(`${pad}${k}:${comment(rand)}`);
      emitMap(rand, indent + pick(rand, [2, 4]), depth + 1, lines);
    } else if (depth < 3 && r < 0.45) {
      lines.push(`${pad}${k}:${comment(rand)}`);
      emitSeq(rand, indent + pick(rand, [0, 2]), depth + 1, lines);
    } else lines.push(`${pad}${k}:${rand() < 0.9 ? " " : "  "}${flowValue(rand, 0)}${comment(rand)}`);
  }
}

function emitSeq(rand: Rand, indent: number, depth: number, lines: string[]): void {
  const n = 1 + Math.floor(rand() * 4);
  for (let i = 0; i < n; i++) {
    const dash = `${" ".repeat(indent)}-${rand() < 0.9 ? " " : "   "}`;
    if (depth < 3 && rand() < 0.5) emitMap(rand, dash.length, depth + 1, lines, dash);
    else lines.push(`${dash}${flowValue(rand, 0)}${comment(rand)}`);
  }
}

function emitDocument(rand: Rand): string {
  const lines: string[] = [];
  if (rand() < 0.2) lines.push("# header");
  if (rand() < 0.85) emitMap(rand, 0, 0, lines);
  else emitSeq(rand, 0, 0, lines);
  return `${lines.join("\n")}\n`;
}

function mutate(text: string, rand: Rand): string {
  const at = Math.floor(rand() * text.length);
  const c = pick(rand, [" ", ":", "-", "#", '"', "'", "{", "}", "[", "]", ",", "\n", "a", "&", "\\"]);
  const r = rand();
  if (r < 0.4) return text.slice(0, at) + c + text.slice(at);
  if (r < 0.7) return text.slice(0, at) + text.slice(at + 1);
  return text.slice(0, at) + c + text.slice(at + 1);
}
