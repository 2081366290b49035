/**
 * The page's script, inlined. Filters cards by text and status; on the live page it also
 * listens for server-sent events (a card replaced in place within a second of its image
 * landing) and sends pick buttons to the local server. Relative URLs: the token is the path.
 */
export const PAGE_JS = `
(() => {
  const q = document.getElementById("q"), st = document.getElementById("status"), shown = document.getElementById("shown");
  let timer;
  function apply() {
    const words = q.value.trim().toLowerCase().split(/\\s+/).filter(Boolean), s = st.value;
    let n = 0;
    for (const c of document.querySelectorAll(".card")) {
      const ok = (!s || c.dataset.status === s) && words.every((w) => c.dataset.text.includes(w));
      if (c.hidden === ok) c.hidden = !ok;
      if (ok) n++;
    }
    for (const g of document.querySelectorAll(".sub, .group")) g.hidden = !g.querySelector(".card:not([hidden])");
    shown.textContent = String(n);
  }
  const later = () => { clearTimeout(timer); timer = setTimeout(apply, 60); };
  q.addEventListener("input", later);
  st.addEventListener("change", apply);
  if (q.value || st.value) apply();
  if (!document.body.dataset.live) return;
  const es = new EventSource("events");
  es.addEventListener("hello", () => { document.body.dataset.connected = "1"; });
  es.addEventListener("card", (e) => {
    const d = JSON.parse(e.data);
    const t = document.createElement("template");
    t.innerHTML = d.html;
    const card = t.content.firstElementChild, old = document.getElementById(d.id);
    if (old) old.replaceWith(card);
    else {
      const grid = document.querySelector('.sub[data-key="' + CSS.escape(d.sub) + '"] .grid');
      if (!grid) { location.reload(); return; }
      grid.appendChild(card);
    }
    document.body.dataset.updates = String(Number(document.body.dataset.updates || 0) + 1);
    apply();
  });
  es.addEventListener("totals", (e) => {
    const el = document.getElementById("totals");
    if (el) el.outerHTML = JSON.parse(e.data).html;
  });
  es.addEventListener("reload", () => location.reload());
  document.addEventListener("click", async (e) => {
    const b = e.target.closest("button.pick");
    if (!b) return;
    b.disabled = true;
    const r = await fetch("pick", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: b.dataset.name, k: Number(b.dataset.k) }) });
    if (!r.ok) { b.disabled = false; b.title = await r.text(); }
  });
})();
`;
