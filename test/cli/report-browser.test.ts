import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "../helpers/browser.js";
import { runCli } from "../helpers/cli.js";
import { tempProject } from "../helpers/sim-project.js";
import { next } from "../helpers/watch-events.js";
import { startSimulator } from "../../src/simulator/server.js";
import { watch } from "../../src/engine/watch/session.js";
import { loadProject } from "../../src/engine/load/load.js";
import { serveLiveReport } from "../../src/engine/report/live-server.js";

const manifest = (surface: string) => `assets:
  - name: "hero/{{product}}"
    prompt: "Studio photo of {{product}} on ${surface}."
    matrix: { product: [earbuds, headphones, speaker] }
  - name: banner
    prompt: "Wide banner, clean type."
    aspectRatio: "16:9"
`;

const git = (cwd: string, ...args: string[]) =>
  execFileSync("git", ["-c", "user.email=t@example.com", "-c", "user.name=t", ...args], { cwd, stdio: "pipe" });

let browser: Awaited<ReturnType<typeof launchBrowser>>;
let context: BrowserContext;
beforeAll(async () => {
  browser = await launchBrowser();
  context = browser.context;
});
afterAll(async () => {
  await browser?.close();
});

/** Waits until every image on the page has loaded (lazy ones are asked to load now). */
async function allImagesLoaded(page: Page): Promise<number> {
  await page.evaluate(() => {
    for (const img of document.images) img.loading = "eager";
  });
  await page.waitForFunction(() => [...document.images].every((i) => i.complete));
  return page.evaluate(() => [...document.images].filter((i) => i.naturalWidth > 0).length);
}

describe("nanobanana report in a real browser", () => {
  it("shows every thumbnail, filters by text and status, and puts before and after side by side", async () => {
    const p = tempProject({ "assets/set.yaml": manifest("black marble") });
    try {
      expect((await runCli(["build", "-C", p.root])).code).toBe(0);
      git(p.root, "init", "-q");
      git(p.root, "add", "-A");
      git(p.root, "commit", "-qm", "first");
      p.write("assets/set.yaml", manifest("black marble").replace("{{product}} on black marble", "{{product}} on black marble, rim light"));
      expect((await runCli(["build", "-C", p.root])).code).toBe(0);
      const r = await runCli(["report", "-C", p.root, "--since", "HEAD", "--out", "review", "--json"]);
      expect(r.code).toBe(0);
      const out = JSON.parse(r.stdout);
      expect(out).toMatchObject({ assets: 4, changed: 3 });
      expect(readdirSync(path.join(p.root, "review", "thumbs")).every((f) => f.endsWith(".webp"))).toBe(true);
      // A second run makes no thumbnail: they are cached by sha256.
      expect(JSON.parse((await runCli(["report", "-C", p.root, "--since", "HEAD", "--out", "review", "--json"])).stdout)).toMatchObject({
        thumbnailsMade: 0,
      });
      expect(readFileSync(out.file, "utf8")).not.toMatch(/src="https?:/);

      const page = await context.newPage();
      await page.goto(pathToFileURL(out.file).href);
      // 4 current images + 3 old ones (the unchanged banner shows one).
      const images = await page.locator("img").count();
      expect(images).toBe(7);
      expect(await allImagesLoaded(page)).toBe(7);
      expect(await page.locator("img[loading]").count()).toBe(7);

      await page.fill("#q", "headphones");
      await expect.poll(() => page.locator(".card:visible").count()).toBe(1);
      await page.fill("#q", "product=earbuds");
      await expect.poll(() => page.locator(".card:visible h4").allTextContents()).toEqual(["hero/earbuds"]);
      await page.fill("#q", "");
      await page.selectOption("#status", "up-to-date");
      await expect.poll(() => page.locator(".card:visible h4").allTextContents()).toEqual(["banner"]);
      await page.selectOption("#status", "");
      await expect.poll(() => page.locator(".card:visible").count()).toBe(4);

      const pair = page.locator(".card", { has: page.locator("h4", { hasText: "hero/speaker" }) }).locator(".ba img");
      expect(await pair.count()).toBe(2);
      const [before, after] = await pair.evaluateAll((els) =>
        (els as HTMLImageElement[]).map((i) => ({ src: i.currentSrc, w: i.naturalWidth })),
      );
      expect(before!.src).not.toBe(after!.src);
      expect(before!.w).toBeGreaterThan(0);
      expect(after!.w).toBeGreaterThan(0);
      // What the browser painted: two different pictures.
      expect((await pair.nth(0).screenshot()).equals(await pair.nth(1).screenshot())).toBe(false);
      expect(await page.locator(".card", { hasText: "hero/speaker" }).locator("table.diff").textContent()).toContain("rim light");
      await page.close();
    } finally {
      p.cleanup();
    }
  });

  it("watch --serve: the live page shows a new image after a manifest edit, without a reload", async () => {
    const p = tempProject({ "assets/set.yaml": manifest("black marble") });
    const sim = await startSimulator({ latencyMs: 5 });
    const w = watch({ cwd: p.root, simulatorUrl: sim.url, debounceMs: 50 });
    const load = () => {
      try {
        return loadProject({ cwd: p.root });
      } catch {
        return undefined;
      }
    };
    const live = await serveLiveReport({ watcher: w, load, root: p.root });
    const page = await context.newPage();
    try {
      await w.ready;
      expect(live.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/[0-9a-f]{32}\/$/);
      // Without the token there is nothing to see.
      expect((await fetch(live.url.replace(/[0-9a-f]{32}\/$/, ""))).status).toBe(404);
      await page.goto(live.url);
      await page.waitForSelector("body[data-connected]");
      expect(await allImagesLoaded(page)).toBe(4);
      const card = page.locator(".card", { has: page.locator("h4", { hasText: "hero/speaker" }) });
      const before = await card.locator("img").getAttribute("src");
      await page.evaluate(() => {
        (window as unknown as { marker: number }).marker = 1;
      });

      const generated = next(w, "build", (e) => e.event.type === "generated" && e.event.name === "hero/speaker");
      p.write("assets/set.yaml", manifest("black marble").replace("{{product}} on black marble", "{{product}} on white sand"));
      await generated;
      const landed = Date.now();
      await page.waitForFunction(
        (old) => {
          const img = [...document.querySelectorAll(".card")]
            .find((c) => c.querySelector("h4")?.textContent === "hero/speaker")
            ?.querySelector("img");
          return img && img.getAttribute("src") !== old && img.complete && img.naturalWidth > 0;
        },
        before,
        { timeout: 10_000 },
      );
      console.log(`live page showed the new image ${Date.now() - landed} ms after the build reported it`);
      expect(await card.locator("img").getAttribute("src")).not.toBe(before);
      expect(await card.locator(".badge").textContent()).toBe("generated");
      expect(await card.locator(".prompt").textContent()).toContain("white sand");
      // Updated in place over server-sent events, not by reloading the page.
      expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1);
    } finally {
      await page.close();
      await live.close();
      await w.close();
      await sim.close();
      p.cleanup();
    }
  });
});
