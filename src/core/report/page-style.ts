/** The page's stylesheet, inlined: the page works offline, with no CDN. */
export const PAGE_CSS = `
:root{--bg:#f6f5f2;--fg:#1d1d1b;--mute:#6b6a66;--card:#fff;--line:#e2e0da;--ok:#2f7d4f;--new:#1f5fbf;--bad:#b3261e;--warn:#9a6700}
*{box-sizing:border-box}body{margin:0;font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;background:var(--bg);color:var(--fg)}
header{position:sticky;top:0;z-index:2;background:var(--bg);border-bottom:1px solid var(--line);padding:12px 20px}
h1{font-size:18px;margin:0 0 4px}.meta{color:var(--mute);font-size:12px}
.bar{display:flex;gap:8px;align-items:center;margin-top:8px;flex-wrap:wrap}
.bar input{flex:1;min-width:200px;padding:6px 8px;border:1px solid var(--line);border-radius:6px;font:inherit}
.bar select{padding:6px;border:1px solid var(--line);border-radius:6px;font:inherit;background:#fff}
.live-dot{display:inline-block;width:8px;height:8px;border-radius:50%;background:var(--mute);margin-right:4px}
body[data-connected] .live-dot{background:var(--ok)}
table.totals{border-collapse:collapse;margin-top:8px;font-size:12px}table.totals td,table.totals th{padding:2px 10px 2px 0;text-align:left}
table.totals td.n{text-align:right}
main{padding:8px 20px 40px}section.group>h2{font-size:15px;margin:18px 0 4px}
.sub>h3{font-size:12px;font-weight:500;color:var(--mute);margin:8px 0}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(220px,1fr));gap:12px}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:8px;min-width:0;content-visibility:auto;contain-intrinsic-size:220px 380px}
.card.wide{grid-column:span 2}
.pic,.ba figure,.take{margin:0;display:flex;align-items:center;justify-content:center;background:#eeece7;border-radius:6px;min-height:120px;overflow:hidden}
.pic img,.ba img,.take img{display:block;max-width:100%;height:auto}
.ba{display:grid;grid-template-columns:1fr 1fr;gap:6px}.ba figure{flex-direction:column;padding-bottom:4px}
figcaption{font-size:11px;color:var(--mute);text-align:center;padding:2px}
.takes{display:grid;grid-template-columns:repeat(auto-fill,minmax(90px,1fr));gap:6px}.take{flex-direction:column}
.take.picked{outline:2px solid var(--ok)}.take code{display:block;font-size:10px;word-break:break-all}
.none{color:var(--mute);font-size:12px;padding:20px 8px;text-align:center}
h4{font-size:13px;margin:6px 0 2px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.chips{display:flex;flex-wrap:wrap;gap:3px}.chip{font-size:11px;background:#eeece7;border-radius:4px;padding:0 5px}
.badge{font-size:11px;border-radius:4px;padding:0 6px;color:#fff;background:var(--mute)}
.b-generated{background:var(--new)}.b-up-to-date{background:var(--ok)}.b-failed,.b-blocked{background:var(--bad)}.b-pending{background:var(--warn)}
.reason{font-size:11px;color:var(--bad)}.s-pending .reason{color:var(--warn)}
.prompt{font-size:12px;color:var(--mute);margin:4px 0;display:-webkit-box;-webkit-line-clamp:3;-webkit-box-orient:vertical;overflow:hidden}
dl{display:grid;grid-template-columns:auto 1fr;gap:0 8px;font-size:11px;margin:4px 0 0}dt{color:var(--mute)}dd{margin:0;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
table.diff{width:100%;border-collapse:collapse;font-size:11px;margin-top:6px;table-layout:fixed}table.diff td,table.diff th{border-top:1px solid var(--line);padding:2px 4px;text-align:left;vertical-align:top;word-break:break-word}
td.old{color:var(--bad);text-decoration:line-through}td.new{color:var(--ok)}
.change-cost,.same{font-size:11px;margin:4px 0 0}
button.pick{font:inherit;font-size:11px;margin-top:2px;padding:1px 8px;border:1px solid var(--line);border-radius:4px;background:#fff;cursor:pointer}
[hidden]{display:none!important}
`;
