import { describe, expect, it } from "vitest";
import { ResultUrls, expiryOf } from "../../../src/engine/references/result-urls.js";
import { sniffImageType } from "../../../src/core/references/sniff.js";
import { tempDir } from "../../helpers/temp-dir.js";

describe("result URLs", () => {
  it("reads the expiry of signed URLs", () => {
    expect(expiryOf("https://x/a.png?expires=1800000000000&sig=1")).toBe(1800000000000);
    expect(expiryOf("https://x/a.png?Expires=1800000000")).toBe(1800000000000);
    expect(expiryOf("https://x/a.png?X-Amz-Date=20261121T120000Z&X-Amz-Expires=3600")).toBe(Date.UTC(2026, 10, 21, 13, 0, 0));
    expect(expiryOf("https://x/a.png")).toBeUndefined();
  });

  it("keeps URLs in .nanobanana state and drops them before they expire", () => {
    const dir = tempDir("nb-urls-");
    const now = Date.now();
    new ResultUrls(dir).set("abc", `https://cdn/x.png?expires=${now + 60 * 60_000}`, now);
    const urls = new ResultUrls(dir);
    expect(urls.get("abc", now)?.url).toContain("https://cdn/x.png");
    expect(urls.get("abc", now + 55 * 60_000)).toBeUndefined(); // less than 10 minutes left
  });

  it("tells image types from magic numbers", () => {
    expect(sniffImageType(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBe("image/jpeg");
    expect(sniffImageType(Buffer.from("RIFF\0\0\0\0WEBPVP8 ", "binary"))).toBe("image/webp");
    expect(sniffImageType(Buffer.from("GIF89a", "binary"))).toBeUndefined();
  });
});
