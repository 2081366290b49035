import { afterEach, describe, expect, it } from "vitest";
import { ConfigError, loadProject } from "../../../src/all.js";
import { nameProblem, outputKey, pathProblem } from "../../../src/core/manifest/names.js";
import { variantBound } from "../../../src/core/manifest/matrix.js";
import { runCli } from "../../helpers/cli.js";
import { removeProject, simConfig, tempProject } from "../../helpers/project.js";

let dir = "";
afterEach(() => removeProject(dir));

function errorsOf(manifest: string, config = simConfig()): string[] {
  dir = tempProject({ "nanobanana.config.yaml": config, "assets/a.yaml": manifest });
  try {
    loadProject({ cwd: dir });
  } catch (err) {
    if (err instanceof ConfigError) return err.message.split("\n");
    throw err;
  }
  throw new Error("expected a ConfigError");
}

const values = (n: number) => `[${Array.from({ length: n }, (_, i) => i).join(", ")}]`;

describe("manifests that would exhaust the machine", () => {
  it("a 10-million matrix is refused from its sizes, before expanding, with exit 2 at its line", async () => {
    dir = tempProject({
      "nanobanana.config.yaml": simConfig(),
      "assets/a.yaml": `assets:\n  - name: "a-{{x}}-{{y}}-{{z}}"\n    prompt: x\n    matrix:\n      x: ${values(1000)}\n      y: ${values(100)}\n      z: ${values(100)}\n`,
    });
    // Expanding it would take minutes and gigabytes; the cap answers from the sizes (vitest's 5 s timeout guards it).
    const r = await runCli(["plan", "-C", dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      "assets/a.yaml:5:7  assets[0].matrix: this asset makes up to 10,000,000 variants (1000 × 100 × 100): more than maxVariants (1,000,000); split the matrix, or raise maxVariants in the config",
    );
  });

  it("the cap counts the whole project and is configurable", () => {
    const errs = errorsOf(
      `assets:\n  - name: "a-{{x}}"\n    prompt: x\n    matrix: { x: ${values(6)} }\n  - name: "b-{{x}}"\n    prompt: x\n    matrix: { x: ${values(6)}, include: [{ x: 99 }] }\n`,
      simConfig("maxVariants: 10\n"),
    );
    expect(errs).toEqual([
      "assets/a.yaml:7:13  assets[1].matrix: this asset makes up to 7 variants, 6 before it: more than maxVariants (10); split the matrix, or raise maxVariants in the config",
    ]);
    expect(variantBound({ a: [1, 2, 3], b: [1, 2], include: [{ a: 9 }] })).toBe(7);
  });

  it("duplicate keys are found by one linear pass (the library's own check took 13.9 s for 20,000 keys)", () => {
    const keys = Array.from({ length: 20_000 }, (_, i) => `  k${i}: v`).join("\n");
    const errs = errorsOf(`vars:\n${keys}\n  k5: again\nassets:\n  - name: a\n    prompt: x\n`);
    expect(errs).toEqual(['assets/a.yaml:20002:3  invalid YAML: key "k5" appears twice in the same mapping']);
  });

  it("a YAML alias bomb is a user error at its line, exit 2, not an internal error", async () => {
    const bomb = [
      'a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]',
      "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]",
      "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]",
      "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]",
      "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]",
      "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]",
      "assets: [*f]",
    ].join("\n");
    dir = tempProject({ "nanobanana.config.yaml": simConfig(), "assets/a.yaml": bomb });
    const r = await runCli(["plan", "-C", dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/assets\/a\.yaml:2:\d+ {2}invalid YAML: aliases expand to too many values/);
    expect(r.stderr).not.toMatch(/internal error|ReferenceError/);
  });

  it("a prompt longer than the provider takes is refused at plan time (Revid: 10,000 characters)", () => {
    const config = simConfig().replace("provider: apidot", "provider: revid").replace("model: nano-banana-2", "model: nano-banana-pro");
    const errs = errorsOf(
      `assets:\n  - name: a\n    prompt: "${"é".repeat(10_001)}"\n  - name: b\n    prompt: "${"é".repeat(10_000)}"\n`,
      config,
    );
    expect(errs).toEqual(["assets/a.yaml:3:13  assets[0].prompt: the prompt is 10,001 characters; revid takes at most 10,000"]);
  });
});

describe("names that other checkouts cannot hold", () => {
  it("refuses device names, trailing dots and spaces, Windows' forbidden characters, control and bidi characters", () => {
    expect(nameProblem("CON")).toBe('"CON" is a reserved device name on Windows');
    expect(nameProblem("x/aux/nul")).toBe('"aux" is a reserved device name on Windows');
    expect(nameProblem("lpt1.backup")).toBe('"lpt1.backup" is a reserved device name on Windows');
    expect(nameProblem("hero.")).toBe('"hero." ends with a dot or a space (Windows drops them)');
    expect(nameProblem("hero /a")).toBe('"hero " ends with a dot or a space (Windows drops them)');
    expect(nameProblem("a?b")).toMatch(/must not contain < > :/);
    expect(nameProblem("invoice\u202Egnp.exe")).toBe("contains the invisible character U+202E (control and bidi characters are refused)");
    expect(pathProblem("a\u0007b")).toMatch(/U\+0007/);
    expect(nameProblem("console/config")).toBeUndefined();
    expect(outputKey("g/Café.png")).toBe(outputKey("g/cafe\u0301.PNG"));
  });

  it("exit 2 with file:line for a reserved name, a name made reserved by a matrix value, an out with a trailing dot, and outputs equal after NFC and case folding", () => {
    expect(errorsOf(`assets:\n  - name: "icons/{{n}}"\n    prompt: x\n    matrix: { n: [home, con] }\n`)).toEqual([
      'assets/a.yaml:2:11  assets[0].name: "icons/con": "con" is a reserved device name on Windows',
    ]);
    expect(errorsOf(`assets:\n  - name: a\n    prompt: x\n    out: "dir./a.png"\n`)).toEqual([
      'assets/a.yaml:4:10  assets[0].out: output "dir./a.png" "dir." ends with a dot or a space (Windows drops them)',
    ]);
    const errs = errorsOf(`assets:\n  - name: "Café"\n    prompt: x\n  - name: "cafe\u0301"\n    prompt: y\n`);
    expect(errs).toEqual([
      'assets/a.yaml:4:5  assets[1].out: output generated/cafe\u0301.png is also written by "Café" at assets/a.yaml:2 as generated/Café.png (one file on macOS and Windows, which ignore case and Unicode normalisation)',
    ]);
  });
});
