import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../helpers/temp-dir.js";

const repo = path.resolve(__dirname, "..", "..");
const depcruise = path.join(repo, "node_modules", ".bin", "depcruise");

/** Runs the project's own boundary rules over a small tree written inline; returns the report and exit status. */
function cruise(files: Record<string, string>): { status: number; out: string } {
  const dir = tempDir("boundaries-");
  cpSync(path.join(repo, ".dependency-cruiser.cjs"), path.join(dir, ".dependency-cruiser.cjs"));
  writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { module: "NodeNext", moduleResolution: "NodeNext" } }));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  try {
    const out = execFileSync(depcruise, ["src", "--config", ".dependency-cruiser.cjs"], { cwd: dir, encoding: "utf8", stdio: "pipe" });
    return { status: 0, out };
  } catch (err) {
    const e = err as { status: number; stdout: string; stderr: string };
    return { status: e.status, out: e.stdout + e.stderr };
  }
}

describe("layer boundaries (the rules .ci/run checks)", () => {
  it("a clean tree passes", () => {
    const r = cruise({
      "src/core/a.ts": "export const a = 1;\n",
      "src/engine/b.ts": 'import { a } from "../core/a.js";\nexport const b = a;\n',
    });
    expect(r.status).toBe(0);
  });

  it("core importing the engine, the engine importing the simulator, and a cycle each fail", () => {
    const r = cruise({
      "src/core/a.ts": 'import { b } from "../engine/b.js";\nexport const a = b;\n',
      "src/engine/b.ts": 'import { s } from "../simulator/s.js";\nexport const b = s;\n',
      "src/simulator/s.ts": 'import { c } from "../cli/c.js";\nexport const s = c;\n',
      "src/cli/c.ts": 'import { a } from "../core/a.js";\nexport const c = 1 + Number(a);\n',
      "src/core/fs.ts": 'import { readFileSync } from "node:fs";\nexport const f = readFileSync;\n',
    });
    expect(r.status).not.toBe(0);
    for (const rule of ["core-is-pure", "engine-not-cli-or-simulator", "simulator-only-core", "no-circular", "core-no-effects"]) {
      expect(r.out).toContain(rule);
    }
  });
});
