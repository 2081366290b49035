import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { COMMANDS } from "../../src/cli/command-table.js";
import { pixelSize } from "../../src/core/catalog/pixel-sizes.js";
import type { AspectRatio, ModelFamily, Resolution } from "../../src/core/catalog/models.js";
import { runCli } from "../helpers/cli.js";

const readme = readFileSync(path.join(import.meta.dirname, "../../README.md"), "utf8");

/** The README's command table: command name → the option flags its row lists. */
function readmeCommands(): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  for (const line of readme.split("\n")) {
    const m = /^\| `nanobanana ([a-z-]+)[^`]*` \|([^|]*)\|/.exec(line);
    if (m) rows.set(m[1], [...m[2].matchAll(/`(--[a-z-]+)/g)].map((x) => x[1]).sort());
  }
  return rows;
}

describe("the README matches what the CLI accepts", () => {
  it("lists every command, with exactly the options its --help shows (besides -C, --config, -h)", async () => {
    const rows = readmeCommands();
    expect([...rows.keys()].sort()).toEqual(COMMANDS.map((c) => c.name).sort());
    for (const c of COMMANDS) {
      const help = (await runCli([c.name, "--help"])).stdout;
      const flags = [...help.matchAll(/^ {2}(?:-\w, )?\s*(--[a-z-]+)/gm)].map((m) => m[1]);
      const listed = flags.filter((f) => !["--cwd", "--config", "--help"].includes(f)).sort();
      expect({ command: c.name, options: rows.get(c.name) }).toEqual({ command: c.name, options: listed });
    }
  });

  it("shows the pixel sizes src/core/catalog/pixel-sizes.ts gives", () => {
    const lines = readme.split("\n");
    const head = lines.findIndex((l) => l.startsWith("| ratio | nano-banana 1K"));
    const cols = lines[head]
      .split("|")
      .slice(2, -1)
      .map((c) => c.trim().split(" "));
    let rows = 0;
    for (const line of lines.slice(head + 2)) {
      if (!line.startsWith("| ")) break;
      const [ratio, ...cells] = line
        .split("|")
        .slice(1, -1)
        .map((c) => c.trim());
      cells.forEach((cell, i) => {
        const [model, res] = [cols[i][0] === "nano-banana-2" ? "nano-banana-2" : cols[i][0], cols[i].at(-1)];
        const s = pixelSize(model as ModelFamily, res as Resolution, ratio as AspectRatio);
        expect(cell).toBe(s ? `${s.width}×${s.height}` : "–");
        const pro = model === "nano-banana-2" && res !== "0.5K" && pixelSize("nano-banana-pro", res as Resolution, ratio as AspectRatio);
        if (pro) expect(cell).toBe(`${pro.width}×${pro.height}`);
      });
      rows++;
    }
    expect(rows).toBe(14);
  });
});
