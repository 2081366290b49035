import { afterEach, describe, expect, it } from "vitest";
import { ConfigError, loadProject } from "../../../src/all.js";
import { removeProject, simConfig, tempProject } from "../../helpers/project.js";

let dir = "";
afterEach(() => removeProject(dir));

/** Loads a project whose only manifest is `manifest`; returns the formatted errors. */
function errorsOf(manifest: string, config = simConfig()): string[] {
  dir = tempProject({ "nanobanana.config.yaml": config, "assets/shop.yaml": manifest });
  try {
    loadProject({ cwd: dir });
  } catch (err) {
    if (err instanceof ConfigError) return err.message.split("\n");
    throw err;
  }
  throw new Error("expected a ConfigError");
}

describe("manifest errors point at file:line:col and the field", () => {
  it("bad enum value lists what is allowed", () => {
    const [e] = errorsOf(`assets:\n  - name: a\n    prompt: x\n    aspectRatio: "7:3"\n`);
    expect(e).toMatch(/^assets\/shop\.yaml:4:18 {2}assets\[0\]\.aspectRatio: "7:3" is not one of 1:1, 2:3, .*21:9/);
  });

  it("unknown field (a typo) is an error at the key", () => {
    const [e] = errorsOf(`assets:\n  - name: a\n    prompt: x\n    aspectratio: "1:1"\n`);
    expect(e).toBe('assets/shop.yaml:4:5  assets[0].aspectratio: unknown field "aspectratio" (did you mean "aspectRatio"?)');
  });

  it("missing variable names the template and the known vars", () => {
    const [e] = errorsOf(
      `templates:\n  hero: "Photo of {{product}} on {{surface}}"\nassets:\n  - name: "h/{{product}}"\n    template: hero\n    matrix: { product: [a, b] }\n`,
    );
    expect(e).toMatch(
      /^assets\/shop\.yaml:5:15 {2}assets\[0\]\.template: template "hero" uses \{\{surface\}\}, which is not set in vars or matrix \(set: product\)$/,
    );
  });

  it("unused matrix key", () => {
    const [e] = errorsOf(`assets:\n  - name: "h/{{a}}"\n    prompt: "x {{a}}"\n    matrix: { a: [1, 2], b: [x] }\n`);
    expect(e).toMatch(/^assets\/shop\.yaml:4:26 {2}assets\[0\]\.matrix\.b: matrix key "b" is not used/);
  });

  it("two assets with the same name", () => {
    const errs = errorsOf(`assets:\n  - name: a\n    prompt: x\n  - name: a\n    prompt: y\n`);
    expect(errs[0]).toMatch(/^assets\/shop\.yaml:4:5 {2}assets\[1\]\.name: "a" is also the name of an asset at assets\/shop\.yaml:2$/);
  });

  it("matrix variants that collide on the output file", () => {
    const errs = errorsOf(`assets:\n  - name: "p-{{r}}"\n    prompt: x\n    out: same.png\n    matrix: { r: [a, b] }\n`);
    expect(errs[0]).toMatch(/output generated\/same\.png is also written by "p-a"/);
  });

  it("an output path that would leave outDir", () => {
    const [e] = errorsOf(`assets:\n  - name: a\n    prompt: x\n    out: ../../escape.png\n`);
    expect(e).toMatch(/^assets\/shop\.yaml:4:10 {2}assets\[0\]\.out: output "\.\.\/\.\.\/escape\.png" would leave outDir "generated"$/);
  });

  it("a name that climbs out of outDir", () => {
    const [e] = errorsOf(`assets:\n  - name: "../x"\n    prompt: x\n`);
    expect(e).toMatch(/assets\[0\]\.name: "\.\.\/x": name segments must not be empty/);
  });

  it("interpolated values are made file-safe", () => {
    dir = tempProject({
      "nanobanana.config.yaml": simConfig(),
      "assets/shop.yaml": `assets:\n  - name: "hero/{{p}}-{{ratio}}"\n    prompt: "x {{p}}"\n    aspectRatio: "{{ratio}}"\n    matrix: { p: ["Black Marble/../x"], ratio: ["16:9"] }\n`,
    });
    const p = loadProject({ cwd: dir });
    expect(p.assets.map((a) => a.output)).toEqual(["generated/hero/Black-Marble-..-x-16-9.png"]);
  });

  it("a matrix value that is not an allowed enum names the variant", () => {
    const [e] = errorsOf(`assets:\n  - name: "h-{{r}}"\n    prompt: x\n    aspectRatio: "{{r}}"\n    matrix: { r: ["1:1", "7:3"] }\n`);
    expect(e).toMatch(/^assets\/shop\.yaml:4:18 {2}assets\[0\]\.aspectRatio: "7:3" \(variant h-7-3\) is not one of 1:1/);
  });

  it("a retired model id names its replacement", () => {
    const [e] = errorsOf(`assets:\n  - name: a\n    prompt: x\n    model: gemini-3-pro-image-preview\n`);
    expect(e).toMatch(/assets\[0\]\.model: "gemini-3-pro-image-preview" is retired; use nano-banana-pro \(Google id gemini-3-pro-image\)/);
  });

  it("an impossible combination for the provider fails before any spend", () => {
    const errs = errorsOf(`assets:\n  - name: a\n    prompt: x\n    model: nano-banana-pro\n    resolution: 0.5K\n    seed: 3\n`);
    expect(errs[0]).toMatch(
      /^assets\/shop\.yaml:5:17 {2}assets\[0\]\.resolution: "0\.5K" is not available for nano-banana-pro on apidot \(allowed: 1K, 2K, 4K\)$/,
    );
    expect(errs[1]).toMatch(/assets\[0\]\.seed: nano-banana-pro on apidot does not take a seed/);
  });

  it("a setting inherited from the manifest's defaults points at the defaults line, once for all variants", () => {
    const errs = errorsOf(
      `defaults: { model: nano-banana-pro, resolution: 0.5K }\nassets:\n  - name: "a-{{r}}"\n    prompt: x\n    aspectRatio: "{{r}}"\n    matrix: { r: ["1:1", "16:9"] }\n`,
    );
    expect(errs).toHaveLength(1);
    expect(errs[0]).toMatch(
      /^assets\/shop\.yaml:1:49 {2}defaults\.resolution: "0\.5K" is not available for nano-banana-pro on apidot \(allowed: 1K, 2K, 4K\) \(variant a-1-1\) \(from this manifest's defaults, for assets\[0\]\)$/,
    );
  });

  it("a setting inherited from the config names the field and says where it comes from", () => {
    const [e] = errorsOf(
      `assets:\n  - name: a\n    prompt: x\n    model: nano-banana-pro\n`,
      simConfig().replace("resolution: 1K", "resolution: 0.5K"),
    );
    // Reported at the config line that sets it (issue 13), once for every asset that inherits it.
    expect(e).toMatch(
      /^nanobanana\.config\.yaml:8:47 {2}defaults\.resolution: "0\.5K" is not available .* \(first used by assets\[0\] at assets\/shop\.yaml:2\)$/,
    );
  });

  it("an undefined template and an undefined brand", () => {
    const errs = errorsOf(`assets:\n  - name: a\n    template: nope\n  - name: b\n    prompt: x\n    brand: acme\n`);
    expect(errs.join("\n")).toMatch(/assets\[0\]\.template: template "nope" is not defined/);
    expect(errs.join("\n")).toMatch(
      /assets\/shop\.yaml:6:12 {2}assets\[1\]\.brand: brand "acme" is not defined in the config \(allowed: none, aether\)/,
    );
  });

  it("prompt and template together", () => {
    const [e] = errorsOf(`assets:\n  - name: a\n    prompt: x\n    template: t\n`);
    expect(e).toMatch(/assets\[0\]: set exactly one of prompt or template/);
  });

  it("invalid YAML points at the line", () => {
    const [e] = errorsOf(`assets:\n  - name: a\n    prompt: "unterminated\n`);
    expect(e).toMatch(/^assets\/shop\.yaml:[34]:\d+ {2}invalid YAML/);
  });

  it("config errors point into the config file", () => {
    dir = tempProject({ "nanobanana.config.yaml": "provider: apidott\nconcurency: 3\n", "assets/a.yaml": "assets: []\n" });
    expect(() => loadProject({ cwd: dir })).toThrowError(
      /nanobanana\.config\.yaml:1:11 {2}provider: "apidott" is not one of apidot, gemini, fal, revid\nnanobanana\.config\.yaml:2:1 {2}concurency: unknown field "concurency"/,
    );
  });

  it("outDir outside the project is refused", () => {
    dir = tempProject({
      "nanobanana.config.yaml": simConfig("outDir: ../elsewhere\n"),
      "assets/a.yaml": "assets:\n  - name: a\n    prompt: x\n",
    });
    expect(() => loadProject({ cwd: dir })).toThrowError(/outDir: "\.\.\/elsewhere" is outside the project folder/);
  });
});

describe("expansion", () => {
  it("cascades settings: config defaults → brand → manifest defaults → asset → matrix", () => {
    dir = tempProject({
      "nanobanana.config.yaml": simConfig().replace("aether:\n", "aether:\n    resolution: 2K\n"),
      "assets/shop.yaml": `brand: aether\ndefaults: { model: nano-banana-pro }\ntemplates:\n  hero: "Photo of {{product}} on {{surface}}."\nassets:\n  - name: "hero/{{product}}-{{ratio}}"\n    template: hero\n    vars: { surface: marble }\n    matrix: { product: [earbuds, headphones], ratio: ["1:1", "16:9"] }\n    aspectRatio: "{{ratio}}"\n  - name: banner\n    prompt: Banner\n    brand: none\n    model: nano-banana-2\n    format: jpeg\n    seed: 7\n`,
    });
    const p = loadProject({ cwd: dir });
    expect(p.assets.map((a) => a.name)).toEqual([
      "hero/earbuds-1-1",
      "hero/earbuds-16-9",
      "hero/headphones-1-1",
      "hero/headphones-16-9",
      "banner",
    ]);
    const hero = p.assets[1];
    expect(hero.spec).toMatchObject({
      model: "nano-banana-pro",
      resolution: "2K",
      aspectRatio: "16:9",
      format: "png",
      prompt: "Aether house style. Photo of earbuds on marble. No watermark.",
    });
    expect(hero.output).toBe("generated/hero/earbuds-16-9.png");
    expect(hero.source).toMatchObject({ file: "assets/shop.yaml", line: 6, path: "assets[0]" });
    const banner = p.assets[4];
    expect(banner.spec).toMatchObject({ model: "nano-banana-2", resolution: "1K", format: "jpeg", seed: 7, prompt: "Banner" });
    expect(banner.output).toBe("generated/banner.jpg");
  });
});
