import { esc, usd } from "./escape.js";
import type { BeforeAfter, ReportImage, ReportRow, Take } from "./types.js";

const STATUS_WORDS: Record<ReportRow["status"], string> = {
  generated: "generated",
  "up-to-date": "up to date",
  pending: "to build",
  failed: "failed",
  blocked: "blocked",
  orphaned: "orphaned",
};

/** One asset's card. Pure; the live page sends these over server-sent events to replace a card in place. */
export function renderCard(row: ReportRow, opts: { live?: boolean; since?: string } = {}): string {
  const chips = Object.entries(row.matrix)
    .map(([k, v]) => `<span class="chip">${esc(k)}=${esc(v)}</span>`)
    .join("");
  const text = [
    row.name,
    row.prompt,
    row.model,
    row.resolution,
    row.aspectRatio,
    row.format,
    row.status,
    row.taskId ?? "",
    row.reason ?? "",
  ]
    .concat(Object.entries(row.matrix).map(([k, v]) => `${k}=${v}`))
    .join(" ")
    .toLowerCase();
  const pictures = row.before
    ? renderBeforeAfter(row, row.before, opts.since ?? "before")
    : row.takes
      ? renderTakes(row.name, row.takes, Boolean(opts.live))
      : `<div class="pic">${row.image ? img(row.image, row.name) : `<div class="none">no image yet</div>`}</div>`;
  return (
    `<article class="card s-${row.status}${row.before ? " wide" : ""}" id="${row.id}" data-status="${row.status}" data-text="${esc(text)}">` +
    pictures +
    `<h4 title="${esc(row.name)}">${esc(row.name)}</h4>` +
    (chips ? `<div class="chips">${chips}</div>` : "") +
    `<div class="status"><span class="badge b-${row.status}">${STATUS_WORDS[row.status]}</span>${row.reason ? ` <span class="reason">${esc(row.reason)}</span>` : ""}</div>` +
    `<p class="prompt" title="${esc(row.prompt)}">${esc(row.prompt)}</p>` +
    `<dl><dt>model</dt><dd>${esc(row.model)}</dd><dt>size</dt><dd>${esc(row.resolution)} · ${esc(row.aspectRatio)} · ${esc(row.format)}</dd>` +
    `<dt>cost</dt><dd>${usd(row.costUsd)}${row.status === "pending" ? " (estimate)" : ""}</dd>` +
    (row.taskId ? `<dt>task</dt><dd class="task">${esc(row.taskId)}</dd>` : "") +
    `</dl></article>`
  );
}

function img(image: ReportImage, alt: string): string {
  return `<a href="${esc(image.href)}"><img loading="lazy" decoding="async" src="${esc(image.thumb)}" width="${image.width}" height="${image.height}" alt="${esc(alt)}"></a>`;
}

function renderBeforeAfter(row: ReportRow, ba: BeforeAfter, ref: string): string {
  const before =
    ba.kind === "new"
      ? `<div class="none">new since ${esc(ref)}</div>`
      : ba.image
        ? img(ba.image, `${row.name} at ${ref}`)
        : `<div class="none">${esc(ba.missing ?? "not available")}</div>`;
  const after =
    ba.kind === "removed"
      ? `<div class="none">removed</div>`
      : row.image
        ? img(row.image, row.name)
        : `<div class="none">no image yet</div>`;
  const fields = ba.changed.length
    ? `<table class="diff"><tr><th>field</th><th>${esc(ref)}</th><th>now</th></tr>${ba.changed
        .map((c) => `<tr><td>${esc(c.field)}</td><td class="old">${esc(c.before)}</td><td class="new">${esc(c.after)}</td></tr>`)
        .join("")}</table>`
    : `<p class="same">same spec, new image</p>`;
  return (
    `<div class="ba"><figure class="before">${before}<figcaption>${esc(ref)}</figcaption></figure>` +
    `<figure class="after">${after}<figcaption>now</figcaption></figure></div>${fields}` +
    `<p class="change-cost">cost of the change: ${usd(ba.costUsd)}</p>`
  );
}

function renderTakes(asset: string, takes: Take[], live: boolean): string {
  return `<div class="takes">${takes
    .map(
      (t) =>
        `<figure class="take${t.picked ? " picked" : ""}" data-k="${t.k}">${t.image ? img(t.image, t.name) : `<div class="none">take ${t.k}</div>`}` +
        `<figcaption>take ${t.k}${t.picked ? " ✓ picked" : ""}<code>${esc(t.command)}</code>` +
        (live ? `<button class="pick" data-name="${esc(asset)}" data-k="${t.k}"${t.picked ? " disabled" : ""}>pick</button>` : "") +
        `</figcaption></figure>`,
    )
    .join("")}</div>`;
}
