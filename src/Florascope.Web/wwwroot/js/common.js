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
  // A translated text with {name} placeholders filled (as text).
  f(key, fallback, values) {
    return fs.t(key, fallback).replace(/\{(\w+)\}/g, (m, k) => (values && k in values ? String(values[k]) : m));
  },
  // A number in the page's language, at most `digits` decimals (2.48, 0.7, 2).
  num: (x, digits) => (typeof x === 'number' && Number.isFinite(x) ? x.toLocaleString(fs.lang, { maximumFractionDigits: digits === undefined ? 2 : digits }) : '—'),
  // How a person is named everywhere: the chosen display name, then the unique user name, which
  // nobody else can take ("Alice (@alice)"), so a display name cannot impersonate someone.
  person(displayName, userName) {
    if (!userName) return displayName || '';
    return displayName && displayName !== userName ? displayName + ' (@' + userName + ')' : '@' + userName;
  },
  // Where to go back after signing in: an absolute URL of this origin, or null for anything that
  // would leave it ("//evil", "/\\evil", "https://evil", "javascript:..."). Parsed as the browser
  // parses it, then compared by origin, so no spelling trick survives.
  sameOriginUrl(value) {
    if (typeof value !== 'string' || !value.startsWith('/')) return null;
    let url;
    try { url = new URL(value, location.origin); } catch { return null; }
    // A path that normalises to "//host..." is refused too: written back as a relative URL it would leave.
    return url.origin === location.origin && !url.pathname.startsWith('//') ? url.href : null;
  },
  // The signed-in account, or null.
  async me() {
    // /session answers 204 when signed out, so an anonymous visit logs no 401.
    const r = await fetch('/api/account/session', { credentials: 'same-origin' });
    return r.status === 200 ? r.json() : null;
  },
  // The anti-forgery token of this session: {formFieldName, headerName, token}.
  async token() { return (await fetch('/api/account/antiforgery', { credentials: 'same-origin' })).json(); },
  // A state-changing form post with the anti-forgery token; resolves to {ok, status, body}.
  async post(url, fields) {
    const t = await fs.token();
    const form = new FormData();
    for (const [k, v] of Object.entries(fields || {})) form.append(k, v);
    form.append(t.formFieldName, t.token);
    const r = await fetch(url, { method: 'POST', body: form, credentials: 'same-origin' });
    const body = r.status === 204 ? null : await r.json().catch(() => null);
    return { ok: r.ok, status: r.status, body };
  },
  // A post whose anti-forgery token travels in the header (no form body).
  async postWithHeader(url) {
    const t = await fs.token();
    const r = await fetch(url, { method: 'POST', headers: { [t.headerName]: t.token }, credentials: 'same-origin' });
    const body = r.status === 204 ? null : await r.json().catch(() => null);
    return { ok: r.ok, status: r.status, body };
  },
  // Name autocompletion from the checklist into a <datalist>, as the person types.
  autocomplete(input, datalist, project) {
    let timer = null;
    input.addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        const q = new URLSearchParams({ limit: '10', lang: fs.lang, prefix: input.value });
        const p = typeof project === 'function' ? project() : project;
        if (p) q.set('project', p);
        const r = await fetch('/api/taxa?' + q, { credentials: 'same-origin' });
        if (!r.ok) return;
        datalist.replaceChildren(...(await r.json()).map(t => new Option(t.commonNames.join(', '), t.name)));
      }, 150);
    });
  },
  ready: () => (window.i18n ? window.i18n.ready.catch(() => {}) : Promise.resolve()),
  fail(e) { document.getElementById('status').textContent = e.message; },
  row(o) {
    const li = fs.el('li');
    if (o.thumbnail) li.append(fs.el('img', null, { src: o.thumbnail, alt: window.i18n.photoAlt(o.taxonName, null) }));
    const a = fs.el('a', o.taxonName || fs.t('unidentified', 'Unidentified'), { href: '/observations/' + o.id });
    li.append(a, fs.el('span', fs.date(o.observedUtc)), fs.el('span', fs.person(o.authorName, o.authorUserName), { class: 'score' }));
    // The community's verdict, so lists tell validated observations from the rest.
    if (o.status) li.append(fs.el('span', fs.t('status.' + o.status, o.status), { class: 'badge ' + o.status, 'data-status': o.status }));
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
