import { createServer, type Socket } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { build, planProject } from "../../../src/engine/build/build.js";
import { loadProject } from "../../../src/engine/load/load.js";
import { startSimulator, type Simulator } from "../../../src/simulator/server.js";
import { solidImage, tempProject } from "../../helpers/sim-project.js";

let sim: Simulator;
let cleanup: (() => void) | undefined;
beforeAll(async () => {
  sim = await startSimulator({ latencyMs: 5 });
});
afterAll(() => sim.close());
afterEach(() => cleanup?.());

/** A real (not simulated) build whose APIDot base URL is the simulator: URL-only rules apply. */
async function realProject(manifest: string, config: Record<string, unknown> = {}) {
  const p = tempProject(
    { "refs/logo.png": await solidImage("#ff00ff"), "assets/x.yaml": manifest },
    { simulate: false, providers: { apidot: { baseUrl: sim.url, pollIntervalMs: 10, maxRetries: 0 } }, ...config },
  );
  cleanup = p.cleanup;
  return loadProject({ cwd: p.root });
}

describe("references on a URL-only provider (real build)", () => {
  it("plan says what to provide for a local file, and the build pays for nothing", async () => {
    const project = await realProject(`assets:\n  - name: mug\n    prompt: "Logo on a mug"\n    references: [../refs/logo.png]\n`);
    const plan = await planProject(project);
    expect(plan.needs?.[0]).toMatchObject({ name: "mug", message: expect.stringContaining("put the image at an https:// URL") });
    expect(plan.needs?.[0].message).toContain("a `remote:` block in nanobanana.config.yaml");
    const charges = sim.ledger().length;
    const r = await build(project, { env: { APIDOT_API_KEY: "test" } });
    expect(r.assets[0]).toMatchObject({ status: "failed", error: expect.stringContaining("is a local file") });
    expect(sim.ledger().length).toBe(charges);
  });

  it("checks an https reference before the paid submit", async () => {
    const project = await realProject(
      `assets:\n  - name: mug\n    prompt: "Logo on a mug"\n    references: ["https://127.0.0.1:1/logo.png"]\n`,
      { references: { allowPrivateHosts: true } },
    );
    const charges = sim.ledger().length;
    const r = await build(project, { env: { APIDOT_API_KEY: "test" } });
    expect(r.assets[0]).toMatchObject({ status: "failed", error: expect.stringContaining("not reachable") });
    expect(sim.ledger().length).toBe(charges);
  });

  it("an https reference on a private address is refused before any connection unless the config allows private hosts", async () => {
    const connections: Socket[] = [];
    const server = createServer((s) => (connections.push(s), s.destroy()));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as { port: number }).port;
    try {
      for (const host of ["127.0.0.1", "localhost", "[::ffff:127.0.0.1]"]) {
        const project = await realProject(
          `assets:\n  - name: mug\n    prompt: "Logo on a mug"\n    references: ["https://${host}:${port}/logo.png"]\n`,
        );
        const charges = sim.ledger().length;
        const r = await build(project, { env: { APIDOT_API_KEY: "test" } });
        expect(r.assets[0].status).toBe("failed");
        expect(r.assets[0].error).toMatch(
          new RegExp(
            `^assets/x\\.yaml:2: reference https://\\S+:${port}/logo\\.png resolves to .*, a loopback address; private hosts are refused unless the config sets references: \\{ allowPrivateHosts: true \\}`,
          ),
        );
        expect(sim.ledger().length).toBe(charges);
      }
      expect(connections).toHaveLength(0);

      // Allowed: the check does connect (and fails on this server, which is not https).
      const allowed = await realProject(
        `assets:\n  - name: mug\n    prompt: "Logo on a mug"\n    references: ["https://127.0.0.1:${port}/logo.png"]\n`,
        { references: { allowPrivateHosts: true } },
      );
      const r = await build(allowed, { env: { APIDOT_API_KEY: "test" } });
      expect(r.assets[0].error).toMatch(/not reachable/);
      expect(connections.length).toBeGreaterThan(0);
    } finally {
      server.close();
    }
  });
});
