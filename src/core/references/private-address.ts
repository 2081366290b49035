/**
 * Which addresses a reference URL may not point at: the machine itself and the networks
 * behind it (a build on a CI runner must not fetch its cloud metadata service or an
 * intranet page on a manifest's say-so). Pure: parses the address text, no lookup.
 */
export type PrivateKind = "loopback" | "private" | "link-local" | "unique-local" | "unspecified";

/** The kind of private address `ip` (IPv4 or IPv6 text, IPv4-mapped included) is, or undefined for a public one. */
export function privateAddressKind(ip: string): PrivateKind | undefined {
  const v4 = parseIPv4(ip);
  if (v4) return v4Kind(v4);
  const v6 = parseIPv6(ip.replace(/^\[|\]$/g, "").replace(/%.*$/, ""));
  // Not an address at all: treated as private, so nothing unparsed is ever fetched.
  if (!v6) return "unspecified";
  if (v6.every((g) => g === 0)) return "unspecified";
  if (v6.slice(0, 7).every((g) => g === 0) && v6[7] === 1) return "loopback";
  // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (compatible, deprecated): the IPv4 rules apply.
  if (v6.slice(0, 5).every((g) => g === 0) && (v6[5] === 0xffff || v6[5] === 0))
    return v4Kind([v6[6] >> 8, v6[6] & 0xff, v6[7] >> 8, v6[7] & 0xff]);
  if ((v6[0] & 0xffc0) === 0xfe80) return "link-local";
  if ((v6[0] & 0xfe00) === 0xfc00) return "unique-local";
  return undefined;
}

function v4Kind([a, b]: number[]): PrivateKind | undefined {
  if (a === 0) return "unspecified";
  if (a === 127) return "loopback";
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return "private";
  if (a === 169 && b === 254) return "link-local";
  return undefined;
}

function parseIPv4(s: string): number[] | undefined {
  const parts = s.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p))) return undefined;
  const n = parts.map(Number);
  return n.every((x) => x <= 255) ? n : undefined;
}

/** Eight 16-bit groups, or undefined when `s` is not IPv6 text. */
function parseIPv6(s: string): number[] | undefined {
  if (!s.includes(":")) return undefined;
  let text = s;
  const tail: number[] = [];
  const dotted = /:(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const v4 = parseIPv4(dotted[1]);
    if (!v4) return undefined;
    tail.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
    // `::ffff:1.2.3.4` → `::ffff`; `::1.2.3.4` → `::` (the colon before the tail belongs to `::`).
    const before = text.slice(0, dotted.index);
    text = before.endsWith(":") ? `${before}:` : before;
  }
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const groups = (h: string) => (h === "" ? [] : h.split(":"));
  const head = groups(halves[0]);
  const rest = halves.length === 2 ? groups(halves[1]) : [];
  if (![...head, ...rest].every((g) => /^[0-9a-f]{1,4}$/i.test(g))) return undefined;
  const fill = 8 - tail.length - head.length - rest.length;
  if (halves.length === 2 ? fill < 1 : fill !== 0) return undefined;
  return [
    ...head.map((g) => parseInt(g, 16)),
    ...Array(halves.length === 2 ? fill : 0).fill(0),
    ...rest.map((g) => parseInt(g, 16)),
    ...tail,
  ];
}
