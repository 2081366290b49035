import { afterAll, beforeAll, expect, it } from "vitest";
import { sha256 } from "../../../src/core/hash.js";
import { S3Remote } from "../../../src/engine/remote/s3-remote.js";
import { startS3, type LocalS3 } from "../../helpers/s3.js";
import { solidImage } from "../../helpers/sim-project.js";

let s3: LocalS3;
beforeAll(async () => {
  s3 = await startS3();
});
afterAll(() => s3.close());

it("presign uploads reference bytes once by sha256, skips bytes already there, and the URL serves them", async () => {
  const data = await solidImage("#123456");
  const first = new S3Remote(s3.remote("presign-once"), process.env);
  const url = await first.presign(data, sha256(data), "image/png", 3600);
  await first.presign(data, sha256(data), "image/png", 3600);
  expect(first.requests).toBe(2); // one HEAD (absent), one PUT; the second call reuses both
  first.close();

  // Another machine (a fresh client): one HEAD finds the bytes, nothing is sent again.
  const second = new S3Remote(s3.remote("presign-once"), process.env);
  const again = await second.presign(data, sha256(data), "image/png", 3600);
  expect(second.requests).toBe(1);
  second.close();

  for (const u of [url, again]) {
    const q = new URL(u).searchParams;
    expect(new URL(u).pathname).toBe(`/${s3.bucket}/presign-once/references/${sha256(data)}`);
    expect(q.get("X-Amz-Expires")).toBe("3600");
    const res = await fetch(u);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(data)).toBe(true);
  }
});
