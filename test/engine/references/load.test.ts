import { afterEach, describe, expect, it } from "vitest";
import { ConfigError } from "../../../src/core/errors/user-error.js";
import { loadProject } from "../../../src/engine/load/load.js";
import { solidImage, tempProject } from "../../helpers/sim-project.js";

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

function project(files: Record<string, string | Buffer>) {
  const p = tempProject(files);
  cleanup = p.cleanup;
  return p;
}

function loadError(root: string): ConfigError {
  try {
    loadProject({ cwd: root });
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error("expected a ConfigError");
}

const asset = (name: string, refs: string) => `  - name: ${name}\n    prompt: "Image ${name}"\n    references: ${refs}\n`;

describe("references at load time", () => {
  it("uses the edit model and hashes file content, not the path", async () => {
    const p = project({
      "refs/a.png": await solidImage("#123456"),
      "refs/b.png": await solidImage("#123456"),
      "assets/x.yaml": `assets:\n${asset("one", "[../refs/a.png]")}${asset("two", "[../refs/b.png]")}`,
    });
    const [one, two] = loadProject({ cwd: p.root }).assets;
    expect(one.spec.modelId).toBe("nano-banana-2-edit");
    expect(one.spec.references[0]).toMatchObject({ kind: "file", ref: "refs/a.png" });
    expect(one.hash).not.toBe(two.hash); // different prompts
    p.write("assets/x.yaml", `assets:\n${asset("one", "[../refs/a.png]")}`);
    const h1 = loadProject({ cwd: p.root }).assets[0].hash;
    p.write("refs/a.png", await solidImage("#654321"));
    expect(loadProject({ cwd: p.root }).assets[0].hash).not.toBe(h1);
  });

  it("checks types from the bytes, https-only URLs, counts and missing files, with file:line", async () => {
    const gif = Buffer.from("GIF89a\x01\x00\x01\x00\x00\x00\x00;", "binary");
    const many = JSON.stringify(Array.from({ length: 15 }, () => "https://example.com/a.png"));
    const p = project({
      "refs/fake.png": gif,
      "assets/x.yaml": `assets:\n${asset("gif", "[../refs/fake.png]")}${asset("http", '["http://example.com/a.png"]')}${asset("many", many)}${asset("missing", "[../refs/nope.jpg]")}`,
    });
    const text = loadError(p.root).message;
    expect(text).toMatch(/assets\/x\.yaml:4:\d+ +assets\[0\]\.references\[0\]: reference file refs\/fake\.png is a GIF/);
    expect(text).toMatch(/assets\[1\]\.references\[0\]: "http:\/\/example.com\/a.png" is not an https:\/\/ URL/);
    expect(text).toMatch(/assets\[2\]\.references: 15 reference images, but nano-banana-2 on apidot takes at most 14/);
    expect(text).toMatch(/assets\[3\]\.references\[0\]: reference file refs\/nope\.jpg not found/);
  });

  it("names every asset of a reference cycle, and unknown assets", () => {
    const p = project({
      "assets/x.yaml": `assets:\n${asset("a", "[{ asset: c }]")}${asset("b", "[{ asset: a }]")}${asset("c", "[{ asset: b }]")}${asset("d", "[{ asset: nothing }]")}`,
    });
    const err = loadError(p.root);
    const cycle = err.issues.find((i) => i.message.includes("cycle"))!;
    expect(cycle.message).toMatch(/a → b → c → a|b → c → a → b|c → a → b → c/);
    expect(cycle.file).toBe("assets/x.yaml");
    expect(err.message).toMatch(/"nothing" is not an asset/);
  });

  it("puts the upstream's output (or spec) hash into the downstream spec", () => {
    const manifest = (prompt: string) => `assets:\n  - name: up\n    prompt: "${prompt}"\n${asset("down", "[{ asset: up }]")}`;
    const p = project({ "assets/x.yaml": manifest("first") });
    const a = loadProject({ cwd: p.root }).assets[1];
    p.write("assets/x.yaml", manifest("second"));
    const b = loadProject({ cwd: p.root }).assets[1];
    expect(a.spec.references[0].sha256).toMatch(/^spec:/);
    expect(a.hash).not.toBe(b.hash);
  });
});
