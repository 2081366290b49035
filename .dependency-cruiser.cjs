/**
 * The house's four layers, checked in CI (`npm run lint:boundaries`):
 * core is pure, the engine never reaches for the CLI or the simulator, the simulator is a
 * test double that knows only core, and nothing imports in a circle.
 */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "An import cycle hides which module owns an idea.",
      from: {},
      to: { circular: true },
    },
    {
      name: "core-is-pure",
      severity: "error",
      comment: "core/ takes plain data and returns plain data: it imports only core/ and pure libraries.",
      from: { path: "^src/core/" },
      to: {
        pathNot: ["^src/core/", "^node_modules/(yaml|zod)/", "^(node:)?(path|crypto|util)$"],
      },
    },
    {
      name: "core-no-effects",
      severity: "error",
      comment: "core/ never touches the disk, the network, child processes or the clock's owner (the engine passes facts in).",
      from: { path: "^src/core/" },
      to: { path: "^(fs|node:fs|fs/promises|node:fs/promises|net|node:net|http|node:http|https|node:https|child_process|node:child_process)$" },
    },
    {
      name: "engine-not-cli-or-simulator",
      severity: "error",
      comment: "The engine gets a base URL, never a simulator; it never prints or parses argv.",
      from: { path: "^src/engine/" },
      to: { path: "^src/(cli|simulator)/" },
    },
    {
      name: "simulator-only-core",
      severity: "error",
      comment: "The test double shares no code with the adapters it tests, so they cannot share a misunderstanding.",
      from: { path: "^src/simulator/" },
      to: { path: "^src/(engine|cli)/" },
    },
    {
      name: "library-entry-not-simulator",
      severity: "error",
      comment: "`nanobanana` and `nanobanana/simulator` are separate package paths.",
      from: { path: "^src/(index|all)\\.ts$" },
      to: { path: "^src/(simulator|cli)/" },
    },
    {
      name: "tests-not-from-dist",
      severity: "error",
      from: { path: "^src/" },
      to: { path: "^(test|bench)/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    exclude: { path: "^(dist|node_modules)/" },
  },
};
