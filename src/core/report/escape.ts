const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Text safe inside HTML elements and quoted attributes. */
export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** A path as a relative URL: each segment percent-encoded, slashes kept. */
export function urlPath(p: string): string {
  return p
    .split("/")
    .map((s) => (s === ".." || s === "." ? s : encodeURIComponent(s)))
    .join("/");
}

/** USD as the page shows it: cents, or four places below a cent. */
export function usd(n: number): string {
  return `$${n.toFixed(n !== 0 && Math.abs(n) < 0.01 ? 4 : 2)}`;
}
