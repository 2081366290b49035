import { execFileSync } from "node:child_process";
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/run.js";
import { startSimulator, type Simulator } from "../../src/simulator/index.js";
import { simConfig, tempProject, writeFiles } from "../helpers/project.js";
import { removeWhenDone } from "../helpers/temp-dir.js";

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ latencyMs: 5 });
});
afterAll(() => sim.close());

/** Runs the CLI in process; `tty` makes stdin and stderr terminals and `answer` is what the user types. */
async function cli(argv: string[], opts: { tty?: boolean; answer?: string } = {}) {
  let stdout = "";
  let stderr = "";
  const out = (append: (s: string) => void, isTTY: boolean) =>
    ({
      isTTY,
      columns: 100,
      write: (s: string) => (append(String(s)), true),
      on: () => {},
      once: () => {},
    }) as unknown as NodeJS.WriteStream;
  const stdin = Object.assign(new PassThrough(), { isTTY: opts.tty ?? false });
  if (opts.answer !== undefined) setImmediate(() => stdin.write(`${opts.answer}\n`));
  const code = await main(argv, {
    stdout: out((s) => (stdout += s), false),
    stderr: out((s) => (stderr += s), opts.tty ?? false),
    env: { NO_COLOR: "1", NANOBANANA_SIMULATOR_URL: sim.url },
    stdin,
  });
  return { code, stdout, stderr };
}

const manifest = (prompt: string, extra = "") =>
  `assets:\n  - name: hero\n    prompt: "${prompt}"\n  - name: card\n    prompt: "A card"\n${extra}`;

describe("nanobanana diff [REF]", () => {
  it("lists added, changed (which fields) and removed assets against a git ref, with their cost", async () => {
    const root = removeWhenDone(
      tempProject({ "nanobanana.config.yaml": simConfig(), "assets/a.yaml": manifest("A hero", "  - name: old\n    prompt: Old\n") }),
    );
    expect((await cli(["build", "-C", root])).code).toBe(0);
    const git = (...a: string[]) => execFileSync("git", a, { cwd: root, stdio: "pipe" });
    git("init", "-q");
    git("-c", "user.email=t@t", "-c", "user.name=t", "add", "-A");
    git("-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qm", "base");
    writeFiles(root, { "assets/a.yaml": manifest("A new hero", "  - name: fresh\n    prompt: Fresh\n") });

    const before = sim.ledger().length;
    const r = await cli(["diff", "-C", root, "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const d = JSON.parse(r.stdout);
    expect({ added: d.added, changed: d.changed, removed: d.removed }).toEqual({ added: 1, changed: 1, removed: 1 });
    const hero = d.assets.find((a: { name: string }) => a.name === "hero");
    expect(hero.fields).toEqual(["prompt"]);
    expect(hero.cost).toBe("would take");
    expect(hero.usd).toBeGreaterThan(0);
    expect(d.assets.find((a: { name: string }) => a.name === "old").change).toBe("removed");
    expect(sim.ledger().length).toBe(before); // diff spends nothing

    // After the build, the change "took" what the new lock entries cost.
    expect((await cli(["build", "-C", root])).code).toBe(0);
    const text = await cli(["diff", "-C", root]);
    expect(text.stdout).toMatch(/^~ hero: changed: prompt \(took \$0\.\d+\)$/m);
    expect(text.stdout).toMatch(/^\+ fresh: added \(took \$0\.\d+\)$/m);
    expect(text.stdout).toMatch(/^- old: removed$/m);
    expect(text.stdout).toMatch(/1 added, 1 changed, 1 removed since HEAD/);
  });
});

describe("confirmAboveUsd", () => {
  const project = () =>
    removeWhenDone(tempProject({ "nanobanana.config.yaml": `${simConfig()}confirmAboveUsd: 0.01\n`, "assets/a.yaml": manifest("A hero") }));

  it("on a terminal asks first; declining spends nothing", async () => {
    const root = project();
    const before = sim.ledger().length;
    const r = await cli(["build", "-C", root], { tty: true, answer: "n" });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/would spend about \$0\.\d+ .*over confirmAboveUsd \$0\.01\. Build\? \[y\/N\]/);
    expect(r.stderr).toMatch(/not built: nothing was spent/);
    expect(sim.ledger().length).toBe(before);
    const yes = await cli(["build", "-C", root], { tty: true, answer: "y" });
    expect(yes.code).toBe(0);
    expect(sim.ledger().length - before).toBe(2);
  });

  it("--yes skips the question, and without a terminal it never asks", async () => {
    const a = project();
    const before = sim.ledger().length;
    const r = await cli(["build", "-C", a, "--yes"], { tty: true });
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(/\[y\/N\]/);
    const b = project();
    const piped = await cli(["build", "-C", b]);
    expect(piped.code).toBe(0);
    expect(piped.stderr).not.toMatch(/\[y\/N\]/);
    expect(sim.ledger().length - before).toBe(4);
  });
});
