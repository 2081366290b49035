import { afterEach, describe, expect, it } from "vitest";
import { loadProject } from "../../../src/all.js";
import { APIDOT_PROFILE } from "../../../src/core/catalog/providers/apidot.js";
import type { ProviderProfile } from "../../../src/core/catalog/provider-profile.js";
import { differenceMatte } from "../../../src/core/matte/difference.js";
import { transparentProblem } from "../../../src/core/matte/transparent.js";
import { removeProject, simConfig, tempProject } from "../../helpers/project.js";

let dir = "";
afterEach(() => removeProject(dir));

const settings = {
  model: "nano-banana-2",
  modelId: "nano-banana-2",
  resolution: "1K",
  aspectRatio: "1:1",
  format: "png",
  webSearch: false,
} as const;

describe("difference matting", () => {
  it("takes alpha from white minus black and the colour from black over alpha, clamped", () => {
    // Background (transparent), a half-covered red pixel, an opaque blue one, a noisy pixel darker on white.
    const white = Uint8Array.from([255, 255, 255, 255, 128, 128, 0, 0, 200, 10, 10, 10]);
    const black = Uint8Array.from([0, 0, 0, 127, 0, 0, 0, 0, 200, 12, 12, 12]);
    const out = differenceMatte(white, black, 4, { white: 3, black: 3 });
    expect([...out]).toEqual([0, 0, 0, 0, 255, 0, 0, 127, 0, 0, 200, 255, 12, 12, 12, 255]);
  });

  it("needs a model that can edit: the error names the model, the provider and the models that can", () => {
    const noEdit: ProviderProfile = {
      ...APIDOT_PROFILE,
      capabilities: { "nano-banana-2": { ...APIDOT_PROFILE.capabilities["nano-banana-2"]!, editId: undefined } },
    };
    expect(transparentProblem(settings, noEdit, "")).toBe(
      "transparent edits the white image to black with the model's edit variant, and nano-banana-2 on apidot cannot edit; use a model that can, or drop background: transparent",
    );
    expect(transparentProblem(settings, APIDOT_PROFILE, "")).toBeUndefined();
    expect(transparentProblem({ ...settings, format: "jpeg" }, APIDOT_PROFILE, " (variant x)")).toMatch(
      /^transparent \(variant x\) writes an image with alpha: format jpeg has none/,
    );
  });

  it("expands into the cut-out and its two sources; refuses candidates at the background field", () => {
    dir = tempProject({
      "nanobanana.config.yaml": simConfig(),
      "assets/a.yaml": `assets:\n  - name: icon\n    prompt: "An apple"\n    background: transparent\n`,
    });
    const p = loadProject({ cwd: dir });
    expect(p.assets.map((a) => [a.name, a.output, a.spec.modelId, a.spec.references.map((r) => r.ref)])).toEqual([
      ["icon", "generated/icon.png", "nano-banana-2", ["icon.white", "icon.black"]],
      ["icon.white", "generated/icon.white.png", "nano-banana-2", []],
      ["icon.black", "generated/icon.black.png", "nano-banana-2-edit", ["icon.white"]],
    ]);
    expect(p.assets[0].gates?.alpha).toBe(true);
    expect(p.assets[1].gates?.alpha).toBe(false);
    removeProject(dir);
    dir = tempProject({
      "nanobanana.config.yaml": simConfig(),
      "assets/a.yaml": `defaults:\n  background: transparent\nassets:\n  - name: icon\n    prompt: "An apple"\n    candidates: 2\n`,
    });
    expect(() => loadProject({ cwd: dir })).toThrow(/background: transparent cannot be combined with candidates/);
  });
});
