import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../../helpers/temp-dir.js";
import { makeProject, runMain } from "./helpers.js";

const cfg = "simulator: { latencyMs: 10 }\n";

/** A project and, next to it, a folder it must never write into or delete from. */
function setup(count = 1) {
  const parent = tempDir("nb-links-");
  const dir = path.join(parent, "project");
  const outside = path.join(parent, "outside");
  mkdirSync(dir);
  mkdirSync(outside);
  writeFileSync(path.join(outside, "notes.png"), "a text file named .png");
  makeProject({ count, dir, config: cfg });
  return { dir, outside };
}

describe("paths are checked after following links", () => {
  it("an `out` through a linked folder is refused before anything is written", async () => {
    const { dir, outside } = setup();
    mkdirSync(path.join(dir, "generated"), { recursive: true });
    symlinkSync(outside, path.join(dir, "generated", "link"));
    writeFileSync(path.join(dir, "assets", "evil.yaml"), 'assets:\n  - name: pwned\n    prompt: "x"\n    out: link/pwned.png\n');
    const r = await runMain(["build", "-C", dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /assets\/evil\.yaml:2:\d+ .*output generated\/link\/pwned\.png leads outside the project folder through a symbolic link/,
    );
    expect(readdirSync(outside)).toEqual(["notes.png"]);
  });

  it("an outDir or .nanobanana that is a link to outside is a config error (exit 2); gc deletes nothing there", async () => {
    const { dir, outside } = setup();
    symlinkSync(outside, path.join(dir, "generated"));
    for (const cmd of ["build", "gc"]) {
      const r = await runMain([cmd, "-C", dir]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(
        /nanobanana\.config\.yaml:\d+:\d+ +outDir: "generated" leads outside the project folder through a symbolic link/,
      );
    }
    expect(readFileSync(path.join(outside, "notes.png"), "utf8")).toBe("a text file named .png");

    const b = setup();
    symlinkSync(b.outside, path.join(b.dir, ".nanobanana"));
    const r = await runMain(["build", "-C", b.dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\.nanobanana is a symbolic link leading outside the project folder/);
    expect(readdirSync(b.outside)).toEqual(["notes.png"]);
  });

  it("gc removes only images whose sha256 it recorded, never a file by its extension", async () => {
    const { dir } = setup(2);
    expect((await runMain(["build", "-C", dir])).code).toBe(0);
    writeFileSync(path.join(dir, "generated", "mine.png"), "not an image nanobanana made");
    writeFileSync(path.join(dir, "assets", "assets.yaml"), 'assets:\n  - name: "tile-1"\n    prompt: "Test tile number 1."\n');
    const r = await runMain(["gc", "-C", dir, "--json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).outputs).toEqual(["generated/tile-2.png"]);
    expect(readFileSync(path.join(dir, "generated", "mine.png"), "utf8")).toBe("not an image nanobanana made");
    expect(existsSync(path.join(dir, "generated", "tile-2.png"))).toBe(false);
  });
});
