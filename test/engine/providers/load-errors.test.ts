import { expect, test } from "vitest";
import { ConfigError, formatIssue } from "../../../src/core/errors/user-error.js";
import { loadProject } from "../../../src/engine/load/load.js";
import { tempProject } from "./helpers.js";

/** Loads a project with one manifest and returns its problems as the CLI prints them. */
function problems(provider: string, manifest: string): string[] {
  const root = tempProject(`provider: ${provider}\nsimulate: true\n`, manifest);
  try {
    loadProject({ cwd: root });
  } catch (err) {
    if (err instanceof ConfigError) return err.issues.map(formatIssue);
    throw err;
  }
  return [];
}

test("a retired Google id fails at load time, naming its replacement", () => {
  const out = problems("gemini", "assets:\n  - name: a\n    prompt: p\n    model: gemini-3-pro-image-preview\n");
  expect(out).toHaveLength(1);
  expect(out[0]).toMatch(
    /^assets\/a\.yaml:4:\d+\s+assets\[0\]\.model: "gemini-3-pro-image-preview" is retired; use nano-banana-pro \(Google id gemini-3-pro-image\)/,
  );
  for (const [id, replacement] of [
    ["gemini-3.1-flash-image-preview", "gemini-3.1-flash-image"],
    ["gemini-2.5-flash-image-preview", "gemini-2.5-flash-image"],
  ]) {
    expect(problems("fal", `assets:\n  - { name: a, prompt: p, model: ${id} }\n`)[0]).toContain(replacement);
  }
});

test("revid + webp fails at load time with file:line, the field and the allowed formats", () => {
  const out = problems("revid", "defaults: { model: nano-banana-pro }\nassets:\n  - name: a\n    prompt: p\n    format: webp\n");
  expect(out).toEqual([
    expect.stringMatching(
      /^assets\/a\.yaml:5:\d+\s+assets\[0\]\.format: "webp" is not available for nano-banana-pro on revid \(allowed: png, jpeg\)/,
    ),
  ]);
});

test("0.5K on pro fails on every provider that serves pro, listing the resolutions it takes", () => {
  for (const provider of ["apidot", "gemini", "fal", "revid"]) {
    const out = problems(provider, "assets:\n  - name: a\n    prompt: p\n    model: nano-banana-pro\n    resolution: 0.5K\n");
    expect(out, provider).toEqual([
      expect.stringMatching(
        new RegExp(
          `^assets/a\\.yaml:5:\\d+\\s+assets\\[0\\]\\.resolution: "0\\.5K" is not available for nano-banana-pro on ${provider} \\(allowed: 1K, 2K, 4K\\)`,
        ),
      ),
    ]);
  }
});

test("capability differences between providers are caught before any spend", () => {
  // Revid has no nano-banana-2; fal's nano-banana makes 1K only; Revid takes no seed.
  expect(problems("revid", "assets:\n  - { name: a, prompt: p, model: nano-banana-2 }\n")[0]).toMatch(
    /model: "nano-banana-2" is not served by revid \(allowed: nano-banana, nano-banana-pro\)/,
  );
  expect(problems("fal", "assets:\n  - { name: a, prompt: p, model: nano-banana, resolution: 2K }\n")[0]).toMatch(
    /resolution: "2K" is not available for nano-banana on fal \(allowed: 1K\)/,
  );
  expect(problems("revid", "assets:\n  - { name: a, prompt: p, model: nano-banana, seed: 3 }\n")[0]).toMatch(
    /seed: nano-banana on revid does not take a seed/,
  );
  expect(problems("gemini", "assets:\n  - { name: a, prompt: p, model: nano-banana-2, aspectRatio: '8:1', resolution: 0.5K }\n")).toEqual(
    [],
  );
});
