import { afterEach, describe, expect, it } from "vitest";
import { ConfigError, loadProject } from "../../../src/all.js";
import { removeProject, simConfig, tempProject } from "../../helpers/project.js";

let dir = "";
afterEach(() => removeProject(dir));

function errorsOf(files: Record<string, string>, config = simConfig()): string[] {
  dir = tempProject({ "nanobanana.config.yaml": config, ...files });
  try {
    loadProject({ cwd: dir });
  } catch (err) {
    if (err instanceof ConfigError) return err.message.split("\n");
    throw err;
  }
  throw new Error("expected a ConfigError");
}

describe("one problem, one report, at its own line", () => {
  it("a setting from the config's defaults: once, at the config's line, however many assets inherit it", () => {
    const config = simConfig().replace("resolution: 1K", "resolution: 0.5K");
    const many = `assets:\n${["a", "b", "c", "d", "e", "f"].map((n) => `  - name: ${n}\n    prompt: x\n    model: nano-banana-pro\n`).join("")}`;
    const errs = errorsOf(
      { "assets/one.yaml": many, "assets/two.yaml": "assets:\n  - name: g\n    prompt: x\n    model: nano-banana-pro\n" },
      config,
    );
    expect(errs).toEqual([
      'nanobanana.config.yaml:8:47  defaults.resolution: "0.5K" is not available for nano-banana-pro on apidot (allowed: 1K, 2K, 4K) (first used by assets[0] at assets/one.yaml:2)',
    ]);
  });

  it("a setting from a brand: once, at the brand's line", () => {
    const config = simConfig().replace("aether:\n", "aether:\n    resolution: 0.5K\n");
    const manifest =
      "brand: aether\nassets:\n  - name: a\n    prompt: x\n    model: nano-banana-pro\n  - name: b\n    prompt: y\n    model: nano-banana-pro\n";
    expect(errorsOf({ "assets/a.yaml": manifest }, config)).toEqual([
      'nanobanana.config.yaml:11:17  brands.aether.resolution: "0.5K" is not available for nano-banana-pro on apidot (allowed: 1K, 2K, 4K) (first used by assets[0] at assets/a.yaml:3)',
    ]);
  });

  it("a bad reference: once, not per variant", () => {
    const errs = errorsOf({
      "assets/a.yaml":
        'assets:\n  - name: "a-{{r}}"\n    prompt: x\n    references: [missing.png]\n    matrix: { r: [1, 2, 3, 4, 5, 6] }\n',
    });
    expect(errs).toEqual([
      "assets/a.yaml:4:18  assets[0].references[0]: reference file assets/missing.png not found (paths are relative to assets/a.yaml)",
    ]);
  });

  it("a YAML indentation error points at the over-indented line, in plain words", () => {
    expect(errorsOf({ "assets/a.yaml": "assets:\n  - name: c\n    prompt: x\n     model: nano-banana\n" })).toEqual([
      'assets/a.yaml:4:6  invalid YAML: "model:" is indented deeper than "prompt:" on line 3; keys of one mapping start in the same column (column 5)',
    ]);
    expect(errorsOf({ "assets/a.yaml": "assets:\n  - name: c\n   prompt: x\n" })[0]).toMatch(
      /^assets\/a\.yaml:3:4 {2}invalid YAML: this line is indented like a list item but is not one/,
    );
    expect(errorsOf({ "assets/a.yaml": "assets:\n  - name: c\n\tprompt: x\n" })[0]).toMatch(
      /^assets\/a\.yaml:3:1 {2}invalid YAML: tabs are not allowed/,
    );
  });

  it("a manifest that is a list suggests assets:", () => {
    expect(errorsOf({ "assets/a.yaml": "- name: d\n  prompt: x\n" })).toEqual([
      'assets/a.yaml:1:1  a manifest is a mapping with an "assets:" list; put "assets:" on a line of its own above this list and indent the list under it',
    ]);
  });

  it("a duplicate key is found at its second occurrence", () => {
    expect(errorsOf({ "assets/a.yaml": "assets:\n  - name: a\n    prompt: x\n    name: b\n" })).toEqual([
      'assets/a.yaml:4:5  invalid YAML: key "name" appears twice in the same mapping',
    ]);
  });
});
