import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { build, loadProject } from "../../../src/all.js";
import { startSimulator, type Simulator } from "../../../src/simulator/index.js";
import { removeProject, simConfig, tempProject } from "../../helpers/project.js";

const MANIFEST = `defaults:
  resolution: 1K
  derive: [{ width: 400, format: webp }, { width: 200, format: avif }]
assets:
  - name: "hero/{{product}}"
    prompt: "Studio photo of {{product}} on {{surface}}"
    vars: { surface: marble }
    matrix: { product: [earbuds, headphones] }
    alt: "{{product}} on {{surface}}"
    aspectRatio: "16:9"
  - name: logo
    prompt: "A flat logo"
`;

const TSC = path.resolve("node_modules/typescript/bin/tsc");

let sim: Simulator;
let dir = "";
beforeAll(async () => {
  sim = await startSimulator({ latencyMs: 10 });
});
afterAll(() => sim.close());
afterEach(() => {
  removeProject(dir);
  sim.state.reset();
});

describe("the asset module", () => {
  it("lists every asset with its files, alt, placeholder and meta; is byte-identical on rebuild; type-checks in a consumer", async () => {
    dir = tempProject({
      "nanobanana.config.yaml": simConfig("codegen: { out: src/generated/assets.ts }"),
      "assets/a.yaml": MANIFEST,
    });
    const r1 = await build(loadProject({ cwd: dir }), { simulatorUrl: sim.url });
    expect(r1.codegen).toEqual({ out: "src/generated/assets.ts", changed: true });
    const file = path.join(dir, "src/generated/assets.ts");
    const text = readFileSync(file, "utf8");
    expect(text).toContain('"hero/earbuds": {');
    expect(text).toContain('"alt": "earbuds on marble"');
    expect(text).toContain('"src": "../../generated/hero/earbuds-400w.webp"');
    expect(text).toMatch(/"placeholder": "data:image\/webp;base64,[A-Za-z0-9+/=]{20,}"/);

    const r2 = await build(loadProject({ cwd: dir }), { simulatorUrl: sim.url });
    expect(r2.codegen).toEqual({ out: "src/generated/assets.ts", changed: false });
    expect(readFileSync(file, "utf8")).toBe(text);
    expect(sim.ledger()).toHaveLength(3);

    writeFileSync(
      path.join(dir, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          module: "nodenext",
          moduleResolution: "nodenext",
          target: "es2022",
          lib: ["es2022"],
          types: [],
          skipLibCheck: true,
        },
        include: ["app.ts"],
      }),
    );
    writeFileSync(
      path.join(dir, "app.ts"),
      `import assets, { type AssetName, type GeneratedAsset } from "./src/generated/assets.js";
const hero: GeneratedAsset = assets["hero/earbuds"];
const width: 1376 = assets["hero/earbuds"].width;
const name: AssetName = "logo";
const srcset: string = hero.files.map((f) => \`\${f.src} \${f.width}w\`).join(", ");
// @ts-expect-error: a renamed or missing asset breaks the build
assets["hero/speakers"];
export { width, name, srcset };
`,
    );
    // The repo's own tsc on a consumer project: types hold, and a missing asset name is an error (@ts-expect-error).
    execFileSync(process.execPath, [TSC, "-p", dir], { stdio: "pipe" });
  });

  it("writes JSON with a URL base", async () => {
    dir = tempProject({
      "nanobanana.config.yaml": simConfig('codegen: { out: assets.json, base: "/img/" }'),
      "assets/a.yaml": MANIFEST,
    });
    await build(loadProject({ cwd: dir }), { simulatorUrl: sim.url });
    const mod = JSON.parse(readFileSync(path.join(dir, "assets.json"), "utf8"));
    expect(Object.keys(mod)).toEqual(["hero/earbuds", "hero/headphones", "logo"]);
    expect(mod.logo).toMatchObject({ src: "/img/logo.png", width: 1024, height: 1024, format: "png", aspectRatio: "1:1", alt: "" });
    expect(mod["hero/earbuds"].files.map((f: { src: string; format: string; width: number }) => [f.src, f.format, f.width])).toEqual([
      ["/img/hero/earbuds.png", "png", 1376],
      ["/img/hero/earbuds-200w.avif", "avif", 200],
      ["/img/hero/earbuds-400w.webp", "webp", 400],
    ]);
    expect(mod["hero/earbuds"].meta).toMatchObject({ model: "nano-banana-2", prompt: "Studio photo of earbuds on marble" });
    expect(mod["hero/earbuds"].meta.specHash).toMatch(/^[0-9a-f]{64}$/);
  });
});
