/**
 * Writes `JSON.stringify(value, null, 2)` and a newline, byte for byte, without ever holding it
 * as one string: the object's array fields go out item by item, in chunks of about 64 KB, and
 * a chunk waits for the stream to drain. `plan --json` of 100,000 assets is 20 MB of JSON.
 * `fields` keeps only these keys of each item of the named arrays (JSON.stringify's key list).
 */
export async function writeJson(
  out: NodeJS.WritableStream,
  value: Record<string, unknown>,
  fields: Record<string, string[]> = {},
): Promise<void> {
  let buf = "";
  const flush = async () => {
    const chunk = buf;
    buf = "";
    if (chunk && !out.write(chunk)) await drained(out);
  };
  const indented = (v: unknown, pad: string, keys?: string[]) =>
    (keys && flat(v, keys, pad)) ?? (JSON.stringify(v, keys ?? null, 2) ?? "null").replaceAll("\n", `\n${pad}`);
  const keys = Object.keys(value).filter((k) => JSON.stringify(value[k]) !== undefined);
  if (!keys.length) buf = "{}";
  for (const [i, k] of keys.entries()) {
    const v = value[k];
    buf += `${i ? "," : "{"}\n  ${JSON.stringify(k)}: `;
    if (!Array.isArray(v) || v.length === 0) {
      buf += indented(v, "  ");
      continue;
    }
    buf += "[";
    for (let j = 0; j < v.length; j++) {
      buf += `${j ? "," : ""}\n    ${indented(v[j], "    ", fields[k])}`;
      if (buf.length >= 1 << 16) await flush();
    }
    buf += "\n  ]";
  }
  buf += keys.length ? "\n}\n" : "\n";
  await flush();
}

/** Resolves when the stream can take more, or can take nothing any more (closed, failed). */
function drained(out: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      out.off("drain", done);
      out.off("close", done);
      out.off("error", done);
      resolve();
    };
    out.on("drain", done);
    out.on("close", done);
    out.on("error", done);
  });
}

/**
 * JSON.stringify(item, keys, 2) indented by `pad`, made directly when every kept field is a
 * string, number, boolean or null (a plan item); undefined when one is not.
 */
function flat(item: unknown, keys: string[], pad: string): string | undefined {
  if (item === null || typeof item !== "object" || Array.isArray(item) || "toJSON" in item) return undefined;
  let s = "";
  for (const k of keys) {
    const v = (item as Record<string, unknown>)[k];
    if (v === undefined || typeof v === "function" || typeof v === "symbol") continue;
    if (v !== null && typeof v === "object") return undefined;
    s += `${s ? "," : ""}\n${pad}  ${JSON.stringify(k)}: ${JSON.stringify(v)}`;
  }
  return s ? `{${s}\n${pad}}` : "{}";
}
