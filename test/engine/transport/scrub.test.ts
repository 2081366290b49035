import { expect, it } from "vitest";
import { scrubSecrets } from "../../../src/engine/transport/scrub.js";

const presigned =
  "https://nb.s3.us-east-1.amazonaws.com/team/references/ab12?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAEXAMPLE%2F20261202%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20261202T120000Z&X-Amz-Expires=2700&X-Amz-Signature=0f3c9d&X-Amz-SignedHeaders=host&x-id=GetObject";

it("removes a presigned URL whole, in plain text and in echoed JSON", () => {
  expect(scrubSecrets(`input.image_urls: ${presigned} could not be fetched.`)).toBe(
    "input.image_urls: [presigned URL] could not be fetched.",
  );
  const echoed = JSON.stringify({ image_urls: [presigned, presigned] });
  expect(scrubSecrets(echoed)).toBe('{"image_urls":["[presigned URL]","[presigned URL]"]}');
  const escaped = echoed.replace(/&/g, "\\u0026");
  expect(scrubSecrets(escaped)).not.toMatch(/Signature|AKIAEXAMPLE/);
});

it("leaves other URLs as they are", () => {
  expect(scrubSecrets("see https://example.com/a.png?w=1&h=2")).toBe("see https://example.com/a.png?w=1&h=2");
});
