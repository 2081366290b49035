import { esc, usd } from "./escape.js";
import { PAGE_JS } from "./page-script.js";
import { PAGE_CSS } from "./page-style.js";
import { renderCard } from "./render-card.js";
import { ROW_STATUSES, type ModelTotal, type ReportPage, type ReportRow } from "./types.js";

/**
 * The report as one HTML document: a pure function of the page data. Inline CSS and JS, no
 * CDN, no network; thumbnails are relative URLs and load lazily, so 10,000 cards stay usable.
 */
export function renderReport(page: ReportPage): string {
  const counts = new Map<string, number>();
  for (const r of page.rows) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
  const options = ROW_STATUSES.filter((s) => counts.has(s))
    .map((s) => `<option value="${s}">${s} (${counts.get(s)})</option>`)
    .join("");
  const live = page.live ? ` data-live="1"` : "";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(page.title)}</title><style>${PAGE_CSS}</style></head>
<body${live}>
<header><h1>${page.live ? `<span class="live-dot" title="live"></span>` : ""}${esc(page.title)}</h1>
<div class="meta">${page.rows.length} assets · ${esc(page.provider)}${page.simulate ? " (simulated)" : ""} · made ${esc(page.generatedAt)}${page.since ? ` · changes since <b>${esc(page.since)}</b>` : ""}</div>
${renderTotals(page.totals)}
<div class="bar"><input id="q" type="search" placeholder="filter: name, prompt, model, product=earbuds…" autocomplete="off">
<select id="status"><option value="">every status</option>${options}</select><span><span id="shown">${page.rows.length}</span> shown</span></div>
</header>
<main>${renderGroups(page)}</main>
<script>${PAGE_JS}</script>
</body></html>
`;
}

/** The totals table (also sent alone to the live page after each build). */
export function renderTotals(totals: ModelTotal[]): string {
  const sum = (f: (t: ModelTotal) => number) => totals.reduce((s, t) => s + f(t), 0);
  const line = (model: string, n: number, spent: number, pending: number, tag = "td") =>
    `<tr><${tag}>${esc(model)}</${tag}><td class="n">${n}</td><td class="n">${usd(spent)}</td><td class="n">${pending ? usd(pending) : ""}</td></tr>`;
  return (
    `<table class="totals" id="totals"><tr><th>model</th><th>assets</th><th>spent</th><th>to build (est.)</th></tr>` +
    totals.map((t) => line(t.model, t.assets, t.usd, t.pendingUsd)).join("") +
    (totals.length > 1
      ? line(
          "total",
          sum((t) => t.assets),
          sum((t) => t.usd),
          sum((t) => t.pendingUsd),
          "th",
        )
      : "") +
    `</table>`
  );
}

/** The key of a card's sub-group: its manifest and declaration (a matrix's variants share it). */
export function subKey(row: ReportRow): string {
  return `${row.manifest}#${row.declared}`;
}

/** Cards grouped by manifest, then by the declaration they come from (a matrix's variants side by side). */
function renderGroups(page: ReportPage): string {
  const manifests = new Map<string, Map<string, ReportRow[]>>();
  for (const r of page.rows) {
    let subs = manifests.get(r.manifest);
    if (!subs) manifests.set(r.manifest, (subs = new Map()));
    const key = subKey(r);
    const list = subs.get(key);
    if (list) list.push(r);
    else subs.set(key, [r]);
  }
  const opts = { live: Boolean(page.live), since: page.since };
  const out: string[] = [];
  for (const [manifest, subs] of manifests) {
    out.push(`<section class="group"><h2>${esc(manifest)}</h2>`);
    for (const [key, rows] of subs) {
      const keys = Object.keys(rows[0]!.matrix);
      const head = rows[0]!.declared ? `${rows[0]!.declared}${keys.length ? ` · matrix ${keys.join(" × ")} (${rows.length})` : ""}` : "";
      out.push(`<div class="sub" data-key="${esc(key)}">${head ? `<h3>${esc(head)}</h3>` : ""}<div class="grid">`);
      for (const r of rows) out.push(renderCard(r, opts));
      out.push(`</div></div>`);
    }
    out.push(`</section>`);
  }
  return out.join("\n");
}
