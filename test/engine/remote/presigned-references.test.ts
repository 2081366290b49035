import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";
import { sha256 } from "../../../src/core/hash.js";
import { runCli } from "../../helpers/cli.js";
import { solidImage, tempProject } from "../../helpers/sim-project.js";
import { removeWhenDone } from "../../helpers/temp-dir.js";
import { simulatorAndS3 } from "./helpers.js";

// The simulator fetches what the real service would: URLs of the loopback S3 server.
const live = simulatorAndS3((s3) => ({ latencyMs: 5, fetchOrigins: [s3.endpoint] }));

const MANIFEST = `assets:
  - name: mug
    prompt: "The logo on a white mug"
    references: [../refs/logo.png]
  - name: mug-night
    prompt: "The same mug at night"
    references: [{ asset: mug }]
`;

/** A real APIDot build (not simulated) whose base URL is the standalone simulator, with a remote on s3rver. */
async function realProject(prefix: string) {
  const logo = await solidImage("#ff00ff");
  const p = tempProject(
    { "refs/logo.png": logo, "assets/mugs.yaml": MANIFEST },
    {
      simulate: false,
      providers: { apidot: { baseUrl: live.sim.url, pollIntervalMs: 10, maxRetries: 0 } },
      remote: live.s3.remote(prefix),
    },
  );
  removeWhenDone(p.root);
  return { root: p.root, logo };
}

/** Every file under `dir`, as text. */
function filesUnder(dir: string): Array<{ file: string; text: string }> {
  const out: Array<{ file: string; text: string }> = [];
  for (const name of readdirSync(dir)) {
    const abs = path.join(dir, name);
    if (statSync(abs).isDirectory()) out.push(...filesUnder(abs));
    else out.push({ file: abs, text: readFileSync(abs, "latin1") });
  }
  return out;
}

it("a real APIDot build gets a local file and an upstream output through presigned URLs, recorded nowhere", async () => {
  const { root, logo } = await realProject("presigned");
  const env = { APIDOT_API_KEY: "test-key", NANOBANANA_HTTP_REFERENCE_ORIGINS: live.s3.endpoint };
  const plan = JSON.parse((await runCli(["plan", "-C", root, "--json"], env)).stdout);
  expect(plan.needs).toBeUndefined();
  expect(plan.counts.new).toBe(2);

  const charges = live.sim.ledger().length;
  const fetched = live.sim.state.fetched.length;
  const built = await runCli(["build", "-C", root, "--json"], env);
  expect(built.stderr).toBe("");
  expect(built.code).toBe(0);
  const result = JSON.parse(built.stdout);
  expect(result).toMatchObject({ generated: 2, failed: 0, simulated: false });
  expect(live.sim.ledger().length - charges).toBe(2);

  // The simulator downloaded each reference through its presigned URL and got the very bytes.
  const got = live.sim.state.fetched.slice(fetched);
  expect(got).toHaveLength(2);
  const lock = JSON.parse(readFileSync(path.join(root, "nanobanana.lock"), "utf8"));
  const mugBytes = readFileSync(path.join(root, lock.assets.mug.output));
  expect(got.map((f) => f.sha256)).toEqual([sha256(logo), sha256(mugBytes)]);
  expect(got.map((f) => f.bytes)).toEqual([logo.length, mugBytes.length]);
  for (const f of got) {
    expect(f.url.startsWith(`${live.s3.endpoint}/${live.s3.bucket}/presigned/references/`)).toBe(true);
    expect(f.url).toContain("X-Amz-Signature=");
  }

  // No presigned URL (nor its signature) in the lock, the journal, .nanobanana, the outputs or the output.
  const signatures = got.map((f) => new URL(f.url).searchParams.get("X-Amz-Signature")!);
  const written = filesUnder(root);
  const names = written.map((w) => path.relative(root, w.file));
  expect(names).toEqual(expect.arrayContaining(["nanobanana.lock", ".nanobanana/result-urls.json", ".nanobanana/last-build.json"]));
  for (const { file, text } of written) {
    for (const f of got) expect(text.includes(f.url), file).toBe(false);
    for (const s of signatures) expect(text.includes(s), file).toBe(false);
  }
  for (const s of signatures) expect(built.stdout + built.stderr).not.toContain(s);
  expect(built.stdout).not.toContain("X-Amz-");
});

it.each([
  ["fal", "FAL_KEY", "nano-banana-2"],
  ["revid", "REVID_API_KEY", "nano-banana"],
])("%s, URL-only too, fetches a local reference through its presigned URL", async (provider, keyEnv, model) => {
  const logo = await solidImage("#00aa88");
  const p = tempProject(
    { "refs/logo.png": logo, "assets/mugs.yaml": MANIFEST.split("  - name: mug-night")[0] },
    {
      provider,
      defaults: { model, resolution: "1K", aspectRatio: "1:1", format: "png" },
      simulate: false,
      providers: { [provider]: { baseUrl: live.sim.url, pollIntervalMs: 10, maxRetries: 0 } },
      remote: live.s3.remote(`presigned-${provider}`),
    },
  );
  removeWhenDone(p.root);
  const fetched = live.sim.state.fetched.length;
  const built = await runCli(["build", "-C", p.root, "--json"], {
    [keyEnv]: "test-key",
    NANOBANANA_HTTP_REFERENCE_ORIGINS: live.s3.endpoint,
  });
  expect(JSON.parse(built.stdout)).toMatchObject({ generated: 1, failed: 0 });
  expect(live.sim.state.fetched.slice(fetched).map((f) => f.sha256)).toEqual([sha256(logo)]);
});

it("without an allowed origin, a remote that hands out http URLs is refused before anything is paid", async () => {
  const { root } = await realProject("refused");
  const charges = live.sim.ledger().length;
  const built = await runCli(["build", "-C", root, "--json"], { APIDOT_API_KEY: "test-key" });
  expect(built.code).toBe(1);
  const result = JSON.parse(built.stdout);
  expect(result.failed).toBe(2);
  expect(built.stdout).toContain("providers fetch references over https only");
  expect(live.sim.ledger().length).toBe(charges);
});

it("a non-loopback http origin is not accepted as an exception", async () => {
  const { root } = await realProject("not-loopback");
  const built = await runCli(["build", "-C", root], { APIDOT_API_KEY: "k", NANOBANANA_HTTP_REFERENCE_ORIGINS: "http://example.com" });
  expect(built.code).toBe(2);
  expect(built.stderr).toContain("is not a loopback origin");
});
