// Shared by the pages: build elements from text only (user text is never parsed as HTML).
window.fs = {
  el(tag, text, attrs) {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    return e;
  },
  lang: document.documentElement.lang || 'en',
  date: iso => new Date(iso).toLocaleString(),
  async json(url) {
    const r = await fetch(url, { credentials: 'same-origin' });
    const body = await r.json();
    if (!r.ok) throw new Error(body.message || r.statusText);
    return body;
  },
  t: (key, fallback) => (window.i18n ? window.i18n.t(key, fallback) : fallback),
  ready: () => (window.i18n ? window.i18n.ready.catch(() => {}) : Promise.resolve()),
  fail(e) { document.getElementById('status').textContent = e.message; },
  row(o) {
    const li = fs.el('li');
    if (o.thumbnail) li.append(fs.el('img', null, { src: o.thumbnail, alt: '' }));
    const a = fs.el('a', o.taxonName || fs.t('unidentified', 'Unidentified'), { href: '/observations/' + o.id });
    li.append(a, fs.el('span', fs.date(o.observedUtc)), fs.el('span', o.authorName, { class: 'score' }));
    return li;
  },
  minimap(points) {
    if (!points.length || !window.L) return;
    document.getElementById('minimap').style.display = 'block';
    const map = L.map('minimap').setView([points[0][0], points[0][1]], 8);
    L.tileLayer('https://tile.openstreetmap.org/{z}/{x}/{y}.png', { maxZoom: 19, attribution: '&copy; OpenStreetMap contributors' }).addTo(map);
    for (const p of points) L.marker(p).addTo(map);
  }
};
