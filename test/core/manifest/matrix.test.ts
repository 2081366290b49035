import { afterEach, describe, expect, it } from "vitest";
import { ConfigError, loadProject } from "../../../src/all.js";
import { removeProject, simConfig, tempProject } from "../../helpers/project.js";

let dir = "";
afterEach(() => removeProject(dir));

function load(manifest: string) {
  dir = tempProject({ "nanobanana.config.yaml": simConfig(), "assets/shop.yaml": manifest });
  return loadProject({ cwd: dir });
}

function errorsOf(manifest: string): string[] {
  try {
    load(manifest);
  } catch (err) {
    if (err instanceof ConfigError) return err.message.split("\n");
    throw err;
  }
  throw new Error("expected a ConfigError");
}

const LOCALES = `    matrix:
      locale:
        - { code: en, tagline: "Hear everything" }
        - { code: de, tagline: "Alles hören" }
`;

describe("richer matrices", () => {
  it("a matrix value can be a mapping, read as {{key.field}}", () => {
    const p = load(`assets:\n  - name: "hero-{{locale.code}}"\n    prompt: "Poster: {{locale.tagline}}"\n${LOCALES}`);
    expect(p.assets.map((a) => [a.name, a.spec.prompt])).toEqual([
      ["hero-en", "Poster: Hear everything"],
      ["hero-de", "Poster: Alles hören"],
    ]);
  });

  it("a field no value has is an error at the template; one value without it, at that value", () => {
    const [typo] = errorsOf(`assets:\n  - name: "hero-{{locale.code}}"\n    prompt: "Poster: {{locale.taglin}}"\n${LOCALES}`);
    expect(typo).toBe(
      'assets/shop.yaml:3:13  assets[0].prompt: prompt uses {{locale.taglin}}, but no value of locale has a field "taglin" (fields: code, tagline)',
    );
    const [one] = errorsOf(
      `assets:\n  - name: "hero-{{locale.code}}"\n    prompt: "Poster: {{locale.tagline}}"\n    matrix:\n      locale:\n        - { code: en, tagline: "Hear everything" }\n        - { code: de }\n`,
    );
    expect(one).toBe(
      'assets/shop.yaml:7:11  assets[0].matrix.locale[1]: this value of locale has no field "tagline", which prompt uses as {{locale.tagline}}',
    );
    const [whole] = errorsOf(`assets:\n  - name: "hero-{{locale}}"\n    prompt: "x {{locale.tagline}}"\n${LOCALES}`);
    expect(whole).toMatch(
      /assets\[0\]\.name: name uses \{\{locale\}\}, but its values are mappings: use a field, e\.g\. \{\{locale\.code\}\}/,
    );
  });

  it("include and exclude, as in GitHub Actions", () => {
    const p = load(
      `assets:\n  - name: "card-{{size}}-{{theme}}"\n    prompt: "A {{theme}} card, {{size}}{{extra}}"\n    matrix:\n      size: [s, l]\n      theme: [light, dark]\n      exclude: [{ size: s, theme: dark }]\n      include:\n        - { extra: "" }\n        - { theme: dark, extra: ", moody" }\n        - { size: xl, theme: light, extra: ", huge" }\n`,
    );
    expect(p.assets.map((a) => [a.name, a.spec.prompt])).toEqual([
      ["card-s-light", "A light card, s"],
      ["card-l-light", "A light card, l"],
      ["card-l-dark", "A dark card, l, moody"],
      ["card-xl-light", "A light card, xl, huge"],
    ]);
  });

  it("include and exclude mistakes point at their line", () => {
    const unused = errorsOf(
      `assets:\n  - name: "c-{{size}}"\n    prompt: x\n    matrix:\n      size: [s, l]\n      include:\n        - { size: s, colour: red }\n`,
    );
    expect(unused).toEqual([
      'assets/shop.yaml:7:22  assets[0].matrix.include[0].colour: matrix key "colour" is not used in the name, prompt or any field',
    ]);
    const [alone] = errorsOf(
      `assets:\n  - name: "c-{{size}}-{{theme}}"\n    prompt: x\n    matrix:\n      size: [s, l]\n      theme: [a]\n      include:\n        - { size: xl }\n`,
    );
    expect(alone).toBe(
      "assets/shop.yaml:8:11  assets[0].matrix.include[0]: this entry matches no combination, so it becomes a variant of its own, but it does not set theme (name uses {{theme}})",
    );
    const [gap] = errorsOf(
      `assets:\n  - name: "c-{{size}}"\n    prompt: "x {{extra}}"\n    matrix:\n      size: [s, l]\n      include:\n        - { size: s, extra: y }\n`,
    );
    expect(gap).toMatch(
      /assets\[0\]\.matrix\.include: the combination size=l gets no extra from any include entry \(prompt uses \{\{extra\}\}\)/,
    );
    const [ex] = errorsOf(
      `assets:\n  - name: "c-{{size}}"\n    prompt: x\n    matrix:\n      size: [s, l]\n      exclude: [{ sise: s }]\n`,
    );
    expect(ex).toBe('assets/shop.yaml:6:19  assets[0].matrix.exclude[0].sise: "sise" is not a matrix key (allowed: size)');
  });

  it("a template chosen by a variable; a missing one is named", () => {
    const p = load(
      `templates:\n  card-square: "Square card of {{p}}"\n  card-wide: "Wide banner of {{p}}"\nassets:\n  - name: "{{p}}-{{shape}}"\n    template: "card-{{shape}}"\n    vars: { p: mug }\n    matrix: { shape: [square, wide] }\n`,
    );
    expect(p.assets.map((a) => a.spec.prompt)).toEqual(["Square card of mug", "Wide banner of mug"]);
    const errs = errorsOf(
      `templates:\n  card-square: "Square card of {{p}} {{q}}"\nassets:\n  - name: "{{p}}-{{shape}}"\n    template: "card-{{shape}}"\n    vars: { p: mug }\n    matrix: { shape: [square, tall] }\n`,
    );
    expect(errs).toEqual(['assets/shop.yaml:5:15  assets[0].template: template "card-tall" is not defined (allowed: card-square)']);
  });

  it("the README's example makes the three assets it says", () => {
    const p = load(`templates:
  card-square: "Square card: {{locale.tagline}}"
  card-wide: "Wide banner: {{locale.tagline}}"
assets:
  - name: "cards/{{locale.code}}-{{shape}}"
    template: "card-{{shape}}"
    aspectRatio: "{{ratio}}"
    matrix:
      locale:
        - { code: en, tagline: "Hear everything" }
        - { code: de, tagline: "Alles hören" }
      shape: [square, wide]
      exclude: [{ locale: { code: de }, shape: wide }]
      include:
        - { shape: square, ratio: "1:1" }
        - { shape: wide, ratio: "21:9" }
`);
    expect(p.assets.map((a) => [a.name, a.spec.aspectRatio, a.spec.prompt])).toEqual([
      ["cards/en-square", "1:1", "Square card: Hear everything"],
      ["cards/en-wide", "21:9", "Wide banner: Hear everything"],
      ["cards/de-square", "1:1", "Square card: Alles hören"],
    ]);
  });
});
