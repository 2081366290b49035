import { readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "../helpers/browser.js";
import { runCli } from "../helpers/cli.js";
import { tempProject } from "../helpers/sim-project.js";
import { startSimulator } from "../../src/simulator/server.js";
import { watch } from "../../src/engine/watch/session.js";
import { loadProject } from "../../src/engine/load/load.js";
import { pick } from "../../src/engine/pick/pick.js";
import { serveLiveReport } from "../../src/engine/report/live-server.js";

const MANIFEST = `assets:
  - name: hero
    prompt: "A hero banner, three ways."
    candidates: 3
  - name: plain
    prompt: "Just one."
`;

let browser: Awaited<ReturnType<typeof launchBrowser>>;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe("candidates in a real browser", () => {
  it("the report shows the takes side by side with the command to pick each, and a live pick button changes the lockfile", async () => {
    const p = tempProject({ "assets/set.yaml": MANIFEST }, { outDir: "out" });
    const read = (f: string) => readFileSync(path.join(p.root, f));
    const sim = await startSimulator({ latencyMs: 5 });
    let w: ReturnType<typeof watch> | undefined;
    let live: Awaited<ReturnType<typeof serveLiveReport>> | undefined;
    try {
      expect((await runCli(["build", "-C", p.root])).code).toBe(0);
      const r = await runCli(["report", "-C", p.root, "--out", "review", "--json"]);
      expect(r.code).toBe(0);
      const out = JSON.parse(r.stdout);
      expect(out.assets).toBe(2); // the takes are inside hero's card, not cards of their own

      const page = await browser.context.newPage();
      await page.goto(pathToFileURL(out.file).href);
      const hero = page.locator(".card", { has: page.locator("h4", { hasText: /^hero$/ }) });
      const takes = hero.locator("figure.take");
      expect(await takes.count()).toBe(3);
      await page.evaluate(() => {
        for (const img of document.images) img.loading = "eager";
      });
      await page.waitForFunction(() => [...document.images].every((i) => i.complete));
      const widths = await takes.locator("img").evaluateAll((els) => (els as HTMLImageElement[]).map((i) => i.naturalWidth));
      expect(widths).toHaveLength(3);
      for (const w of widths) expect(w).toBeGreaterThan(0);
      // Three different pictures, as painted.
      const shots = await Promise.all([0, 1, 2].map((i) => takes.nth(i).locator("img").screenshot()));
      expect(new Set(shots.map((s) => s.toString("base64"))).size).toBe(3);
      expect(await takes.locator("code").allTextContents()).toEqual([
        "nanobanana pick hero 1",
        "nanobanana pick hero 2",
        "nanobanana pick hero 3",
      ]);
      expect(await hero.locator("figure.take.picked").getAttribute("data-k")).toBe("1");
      expect(await page.locator("button.pick").count()).toBe(0); // the static page has no server to ask
      await page.close();

      w = watch({ cwd: p.root, simulatorUrl: sim.url, debounceMs: 50 });
      const load = () => {
        try {
          return loadProject({ cwd: p.root });
        } catch {
          return undefined;
        }
      };
      live = await serveLiveReport({
        watcher: w,
        load,
        root: p.root,
        pick: async (name, k) => void (await pick(loadProject({ cwd: p.root }), name, k, { wait: true })),
      });
      await w.ready;
      // A pick without the token is refused, and changes nothing.
      const lockBefore = read("nanobanana.lock");
      const noToken = await fetch(live.url.replace(/[0-9a-f]{32}\/$/, "pick"), { method: "POST", body: '{"name":"hero","k":3}' });
      expect(noToken.status).toBe(404);
      expect(read("nanobanana.lock").equals(lockBefore)).toBe(true);

      const livePage = await browser.context.newPage();
      await livePage.goto(live.url);
      await livePage.waitForSelector("body[data-connected]");
      const liveHero = livePage.locator(".card", { has: livePage.locator("h4", { hasText: /^hero$/ }) });
      expect(await liveHero.locator("button.pick").count()).toBe(3);
      await liveHero.locator('button.pick[data-k="2"]').click();
      // The lockfile on disk records the pick, and the output is take 2's bytes.
      await expect.poll(() => read("nanobanana.lock").toString("utf8"), { timeout: 10_000 }).toContain(`"picks": {\n    "hero": 2\n  }`);
      const lock = JSON.parse(read("nanobanana.lock").toString("utf8"));
      expect(lock.assets.hero.sha256).toBe(lock.assets["hero.take-2"].sha256);
      expect(read("out/hero.png").equals(read("out/hero.take-2.png"))).toBe(true);
      // The card is replaced in place: take 2 is marked picked, its button disabled.
      await livePage.waitForSelector('.card figure.take.picked[data-k="2"]', { timeout: 10_000 });
      expect(await liveHero.locator('button.pick[data-k="2"]').isDisabled()).toBe(true);
      expect(await liveHero.locator('button.pick[data-k="1"]').isDisabled()).toBe(false);
      await livePage.close();
    } finally {
      await live?.close();
      await w?.close();
      await sim.close();
      p.cleanup();
    }
  });
});
