import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { removeProject, simConfig, tempProject, writeFiles } from "../helpers/project.js";

const PNG = Buffer.from(
  "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6300010000050001a5f645400000000049454e44ae426082",
  "hex",
);

let dir = "";
afterEach(() => removeProject(dir));

const manifest = (prompt = "Card number") =>
  `brand: aether\nassets:\n  - name: "card-{{n}}"\n    prompt: "${prompt} {{n}}"\n    matrix: { n: [1, 2, 3] }\n`;
const stampFile = () => path.join(dir, ".nanobanana", "cache", "noop.json");

interface Out {
  generated: number;
  upToDate: number;
  assets: Array<{ name: string; status: string; taskId?: string }>;
}
async function build(...extra: string[]): Promise<Out & { code: number }> {
  const r = await runCli(["build", "-C", dir, "--json", ...extra]);
  if (r.code !== 0) throw new Error(`build exited ${r.code}: ${r.stdout}${r.stderr}`);
  return { code: r.code, ...(JSON.parse(r.stdout) as Out) };
}

/** Marks the stamp so that an answer served from it shows (its task ids become STAMPED). */
function poison(): void {
  const s = JSON.parse(readFileSync(stampFile(), "utf8"));
  s.taskIds = s.taskIds.map(() => "STAMPED");
  writeFileSync(stampFile(), JSON.stringify(s));
}
const served = (o: Out) => o.assets.every((a) => a.taskId === "STAMPED");

/** A project built once (images made) and then once more (the no-op that writes the stamp), stamp poisoned. */
async function stamped(files: Record<string, string> = {}): Promise<Out> {
  dir = tempProject({ "nanobanana.config.yaml": simConfig(), "assets/a.yaml": manifest(), ...files });
  expect((await build()).generated).toBe(3);
  const noop = await build();
  expect(noop).toMatchObject({ generated: 0, upToDate: 3 });
  expect(existsSync(stampFile())).toBe(true);
  poison();
  return noop;
}

describe("the no-op stamp", () => {
  it("answers an unchanged project's build with exactly what the full no-op printed", async () => {
    dir = tempProject({ "nanobanana.config.yaml": simConfig(), "assets/a.yaml": manifest() });
    await build();
    const full = await runCli(["build", "-C", dir, "--json"]);
    const fullText = await runCli(["build", "-C", dir]);
    const quick = await runCli(["build", "-C", dir, "--json"]);
    expect(quick.stdout).toBe(full.stdout);
    const quickText = await runCli(["build", "-C", dir]);
    expect(quickText.stderr).toBe(fullText.stderr);
    expect(quickText.stderr).toMatch(/^3 assets up to date; nothing to build$/m);
    poison();
    expect(served(await build())).toBe(true);
  });

  it("is not used after an edit to a manifest, the config or a brand", async () => {
    await stamped();
    writeFiles(dir, { "assets/a.yaml": manifest("Card no.") });
    const edited = await build();
    expect(edited.generated).toBe(3);
    expect(served(edited)).toBe(false);

    await build();
    poison();
    writeFiles(dir, { "nanobanana.config.yaml": simConfig().replace("No watermark.", "No text.") });
    const rebranded = await build();
    expect(rebranded.generated).toBe(3);

    await build();
    poison();
    writeFiles(dir, { "nanobanana.config.yaml": `${simConfig().replace("No watermark.", "No text.")}# a comment only\n` });
    const commented = await build();
    expect(commented.upToDate).toBe(3);
    expect(served(commented)).toBe(false);
  });

  it("is not used when a manifest appears or goes, or the folders the globs walk change", async () => {
    await stamped();
    writeFiles(dir, { "assets/more/b.yaml": "assets:\n  - name: extra\n    prompt: Extra\n" });
    const added = await build();
    expect(added.generated).toBe(1);
    expect(added.assets.map((a) => a.name)).toContain("extra");

    await build();
    poison();
    rmSync(path.join(dir, "assets", "more", "b.yaml"));
    const removed = await build();
    expect(served(removed)).toBe(false);
    expect(removed.assets.map((a) => a.name)).not.toContain("extra");
  });

  it("is not used when a local reference file changes (its bytes are part of the spec)", async () => {
    dir = tempProject({
      "nanobanana.config.yaml": simConfig(),
      "assets/a.yaml": "assets:\n  - name: edit\n    prompt: Recolour it\n    references: [{ file: ../refs/in.png }]\n",
    });
    mkdirSync(path.join(dir, "refs"));
    writeFileSync(path.join(dir, "refs", "in.png"), PNG);
    expect((await build()).generated).toBe(1);
    await build();
    poison();
    expect(served(await build())).toBe(true);
    writeFileSync(path.join(dir, "refs", "in.png"), Buffer.concat([PNG, Buffer.from("changed")]));
    const after = await build();
    expect(after.generated).toBe(1);
    expect(served(after)).toBe(false);
  });

  it("is not used when an output is missing or its size differs from the lock's", async () => {
    await stamped();
    rmSync(path.join(dir, "generated", "card-2.png"));
    const missing = await build();
    expect(missing.generated).toBe(1);
    expect(existsSync(path.join(dir, "generated", "card-2.png"))).toBe(true);

    await build();
    poison();
    writeFileSync(path.join(dir, "generated", "card-3.png"), "not the image");
    const resized = await build();
    expect(resized.generated).toBe(1);
  });

  it("is not used when the lockfile, the task journal, the tool or the overrides differ", async () => {
    await stamped();
    const lockFile = path.join(dir, "nanobanana.lock");
    const lock = JSON.parse(readFileSync(lockFile, "utf8"));
    writeFileSync(lockFile, JSON.stringify(lock, null, 1));
    const relaid = await build();
    expect(relaid.upToDate).toBe(3);
    expect(served(relaid)).toBe(false);

    poison();
    mkdirSync(path.join(dir, ".nanobanana", "tasks"), { recursive: true });
    writeFileSync(path.join(dir, ".nanobanana", "tasks", "junk.json"), "{}");
    expect(served(await build())).toBe(false);
    rmSync(path.join(dir, ".nanobanana", "tasks"), { recursive: true });

    poison();
    const s = JSON.parse(readFileSync(stampFile(), "utf8"));
    writeFileSync(stampFile(), JSON.stringify({ ...s, tool: "another build of nanobanana" }));
    expect(served(await build())).toBe(false);

    poison();
    expect(served(await build("--simulate"))).toBe(false);
    expect(served(await build("--verify"))).toBe(false);
    expect(served(await build("--only", "card-1"))).toBe(false);
  });

  it("is not used when an output folder becomes a link leading out of the project", async () => {
    dir = tempProject({
      "nanobanana.config.yaml": simConfig(),
      "assets/a.yaml": 'assets:\n  - name: "deep/card"\n    prompt: "A card"\n',
    });
    await build();
    await build();
    poison();
    const outside = path.join(os.tmpdir(), `nb-outside-${process.pid}`);
    mkdirSync(outside, { recursive: true });
    try {
      writeFileSync(path.join(outside, "card.png"), readFileSync(path.join(dir, "generated", "deep", "card.png")));
      rmSync(path.join(dir, "generated", "deep"), { recursive: true });
      symlinkSync(outside, path.join(dir, "generated", "deep"));
      const r = await runCli(["build", "-C", dir, "--json"]);
      expect(r.code).toBe(2);
      expect(r.stdout).toContain("leads outside the project folder through a symbolic link");
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });
});
