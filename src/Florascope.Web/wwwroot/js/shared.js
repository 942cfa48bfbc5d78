// What every page shares (an ES module; pages import what they use, no globals, no build step).
// The page arrives from the server already translated, with its language, its translations and the
// server's limits in <script type="application/json" id="boot"> (Assets/PageRendering), so nothing
// here waits for a round trip before the page is usable. Offline, a page from the service worker's
// cache carries the same data.

const bootElement = document.getElementById('boot');
const boot = (() => {
  try { return bootElement ? JSON.parse(bootElement.textContent) : {}; } catch { return {}; }
})();

/** The one list of languages (code, native name); each has wwwroot/i18n/<code>.json. */
export const languages = [['en', 'English'], ['fr', 'Français'], ['de', 'Deutsch'], ['es', 'Español'], ['it', 'Italiano'],
  ['nl', 'Nederlands'], ['pt', 'Português'], ['pl', 'Polski'], ['cs', 'Čeština'], ['ja', '日本語'], ['zh', '中文'],
  ['ar', 'العربية'], ['ru', 'Русский']];

/** The page's language, as the server chose it (the "lang" cookie set by the switch, else the browser's languages). */
export const lang = boot.lang || document.documentElement.lang || 'en';

// A language chosen on this device before the choice became a cookie (kept in localStorage): the
// server is told once, and the page comes again in that language. Once per tab, so no loop.
{
  let stored = null;
  try { stored = localStorage.getItem('lang'); } catch { /* storage off */ }
  const cookie = (document.cookie.split('; ').find(c => c.startsWith('lang=')) || '').slice(5);
  if (stored && stored !== lang && stored !== cookie && languages.some(([code]) => code === stored) && !sessionStorage.getItem('lang-told')) {
    sessionStorage.setItem('lang-told', '1');
    document.cookie = 'lang=' + stored + '; path=/; max-age=31536000; samesite=lax';
    location.reload();
  }
}
document.documentElement.lang = lang;
// The server sets dir (PageTranslation.IsRightToLeft); only a page without boot data is set here.
if (!boot.lang) document.documentElement.dir = lang === 'ar' ? 'rtl' : 'ltr';

let texts = boot.texts || null;
let limits = boot.limits || null;

// Texts may name the server's limits ({limit:minPasswordLength}): filled from the settings the server
// enforces, never written by hand. A text whose limits are unknown is not used: the fallback stays.
const fill = text => text && text.replace(/\{limit:(\w+)\}/g, (m, k) => (limits && k in limits ? (typeof limits[k] === 'number' ? limits[k].toLocaleString(lang) : String(limits[k])) : m));
const complete = text => typeof text === 'string' && !/\{limit:\w+\}/.test(text);

/** A translated text, or the fallback when the key is missing (or its limits unknown). */
export function t(key, fallback) {
  const text = fill(texts && texts[key]);
  return complete(text) ? text : fallback;
}

/** A translated text with {name} placeholders filled (as text, never markup). */
export function f(key, fallback, values) {
  return t(key, fallback).replace(/\{(\w+)\}/g, (m, k) => (values && k in values ? String(values[k]) : m));
}

/** The server's limits (GET /api/limits), or null when unknown. */
export const serverLimits = () => limits;

function translatePage() {
  for (const e of document.querySelectorAll('[data-i18n]')) {
    const text = t(e.dataset.i18n, null);
    if (text) e.textContent = text;
  }
  for (const e of document.querySelectorAll('[data-i18n-placeholder]')) {
    const text = t(e.dataset.i18nPlaceholder, null);
    if (text) e.placeholder = text;
  }
  for (const e of document.querySelectorAll('[data-i18n-label]')) {
    const text = t(e.dataset.i18nLabel, null);
    if (text) e.setAttribute('aria-label', text);
  }
  // Inputs state their limits from the same settings (e.g. data-limit-minlength="minPasswordLength").
  for (const e of document.querySelectorAll('[data-limit-minlength], [data-limit-maxlength]')) {
    if (limits && e.dataset.limitMinlength in limits) e.minLength = limits[e.dataset.limitMinlength];
    if (limits && e.dataset.limitMaxlength in limits) e.maxLength = limits[e.dataset.limitMaxlength];
  }
}

/** Resolves once the translations and limits are in (at once when the page carried them). Never rejects. */
export const ready = (async () => {
  if (!texts) {
    // A page served without its boot data (an old cached copy): ask, as before.
    try {
      const [words, known] = await Promise.all([
        fetch('/i18n/' + lang + '.json').then(r => (r.ok ? r.json() : null)),
        fetch('/api/limits').then(r => (r.ok ? r.json() : null)).catch(() => null)]);
      texts = words || {};
      limits = known;
    } catch { texts = {}; }
  }
  translatePage();
  setUpHeader();
  document.body.dataset.i18n = lang;
})();

/** An element built from text only (user text is never parsed as HTML). */
export function el(tag, text, attrs) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  return e;
}

const dateTime = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' });
const dayOnly = new Intl.DateTimeFormat(lang, { dateStyle: 'medium' });
/** A date and time in the page's language ("30 nov. 2026, 21:14"). */
export const date = iso => (iso ? dateTime.format(new Date(iso)) : '—');
/** A day in the page's language ("30 nov. 2026"). */
export const day = iso => (iso ? dayOnly.format(new Date(iso)) : '—');
/** A month's name in the page's language (1-12). */
export const monthName = (m, style) => new Intl.DateTimeFormat(lang, { month: style || 'short', timeZone: 'UTC' }).format(new Date(Date.UTC(2000, m - 1, 1)));
/** A number in the page's language, at most `digits` decimals (2.48, 0.7, 2). */
export const num = (x, digits) => (typeof x === 'number' && Number.isFinite(x) ? x.toLocaleString(lang, { maximumFractionDigits: digits === undefined ? 2 : digits }) : '—');
/** A share (0-1) as a percentage in the page's language ("87 %", "87%"). */
export const percent = x => (typeof x === 'number' && Number.isFinite(x) ? x.toLocaleString(lang, { style: 'percent', maximumFractionDigits: 0 }) : '—');

/** An organ's name in the page's language (leaf, flower, fruit, bark, habit, other, auto). */
export const organName = organ => t('organ.' + organ, organ);

/** A status's name in the page's language. */
export const statusName = status => t('status.' + status, status);

/**
 * How a person is named everywhere: the chosen display name, then the unique user name, which
 * nobody else can take ("Alice (@alice)"), so a display name cannot impersonate someone.
 */
export function person(displayName, userName) {
  if (!userName) return displayName || '';
  return displayName && displayName !== userName ? displayName + ' (@' + userName + ')' : '@' + userName;
}

/**
 * Where to go back after signing in: an absolute URL of this origin, or null for anything that would
 * leave it ("//evil", "/\\evil", "https://evil", "javascript:..."). Parsed as the browser parses it,
 * then compared by origin, so no spelling trick survives.
 */
export function sameOriginUrl(value) {
  if (typeof value !== 'string' || !value.startsWith('/')) return null;
  let url;
  try { url = new URL(value, location.origin); } catch { return null; }
  return url.origin === location.origin && !url.pathname.startsWith('//') ? url.href : null;
}

/**
 * The signed-in person as this device last knew it, without a round trip and offline: the server
 * keeps the readable cookie "fs-user" ("id:userName", a hint, never a credential; the session cookie
 * stays HttpOnly) in step with the session on every answer. null when signed out.
 */
export function signedIn() {
  const raw = document.cookie.split('; ').find(c => c.startsWith('fs-user='));
  if (!raw) return null;
  let value;
  try { value = decodeURIComponent(raw.slice('fs-user='.length)); } catch { return null; /* a malformed cookie: nobody */ }
  const at = value.indexOf(':');
  const id = Number(value.slice(0, at));
  return at > 0 && Number.isInteger(id) ? { id, userName: value.slice(at + 1) } : null;
}

/** The signed-in account from the server ({id, userName, displayName, ...}), or null. */
export async function me() {
  // /session answers 204 when signed out, so an anonymous visit logs no 401.
  const r = await fetch('/api/account/session', { credentials: 'same-origin' });
  return r.status === 200 ? r.json() : null;
}

/** GET a JSON answer; a failure throws with the server's message. */
export async function json(url) {
  const r = await fetch(url, { credentials: 'same-origin' });
  const body = await r.json();
  if (!r.ok) throw new Error(body.message || r.statusText);
  return body;
}

/** The anti-forgery token of this session: {formFieldName, headerName, token}. */
export async function token() { return (await fetch('/api/account/antiforgery', { credentials: 'same-origin' })).json(); }

/** A state-changing form post with the anti-forgery token; resolves to {ok, status, body}. */
export async function post(url, fields, method) {
  const tk = await token();
  const form = new FormData();
  for (const [k, v] of Object.entries(fields || {})) {
    if (Array.isArray(v)) for (const x of v) form.append(k, x); else if (v !== undefined && v !== null) form.append(k, v);
  }
  form.append(tk.formFieldName, tk.token);
  const r = await fetch(url, { method: method || 'POST', body: form, credentials: 'same-origin' });
  const body = r.status === 204 ? null : await r.json().catch(() => null);
  return { ok: r.ok, status: r.status, body };
}

/** A request whose anti-forgery token travels in the header (no form body): POST, DELETE... */
export async function postWithHeader(url, method) {
  const tk = await token();
  const r = await fetch(url, { method: method || 'POST', headers: { [tk.headerName]: tk.token }, credentials: 'same-origin' });
  const body = r.status === 204 ? null : await r.json().catch(() => null);
  return { ok: r.ok, status: r.status, body };
}

/**
 * Name autocompletion into a <datalist> as the person types: scientific, vernacular (any language)
 * and synonym names, from GET /api/taxa; each option's value is the accepted scientific name.
 */
export function autocomplete(input, datalist, project) {
  let timer = null;
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const q = new URLSearchParams({ limit: '10', lang, prefix: input.value });
      const p = typeof project === 'function' ? project() : project;
      if (p) q.set('project', p);
      try {
        const r = await fetch('/api/taxa?' + q, { credentials: 'same-origin' });
        if (!r.ok) return;
        datalist.replaceChildren(...(await r.json()).map(x => new Option([x.matched, ...(x.commonNames || [])].filter(Boolean).join(', '), x.name)));
      } catch { /* offline: no suggestions */ }
    }, 150);
  });
}

/** Shows an error in the page's #status line. */
export function fail(e) {
  const status = document.getElementById('status');
  if (status) status.textContent = e && e.message ? e.message : String(e);
}

/**
 * An image's alternative text says what the photo shows (taxon and organ), never a file name.
 * kind: 'photo' (an observation's), 'reference' (the model's evidence). No taxon: a plant to identify.
 */
export function photoAlt(taxon, organ, kind) {
  const shown = organ && organ !== 'auto' ? organName(organ) : null;
  const [key, fallback] = kind === 'reference'
    ? (shown ? ['alt.reference', 'Reference photo of {taxon}: {organ}'] : ['alt.reference.any', 'Reference photo of {taxon}'])
    : taxon
      ? (shown ? ['alt.photo', 'Photo of {taxon}: {organ}'] : ['alt.photo.any', 'Photo of {taxon}'])
      : (shown ? ['alt.unknown', 'Photo of a plant to identify: {organ}'] : ['alt.unknown.any', 'Photo of a plant to identify']);
  return t(key, fallback).replace('{taxon}', taxon || '').replace('{organ}', shown || '');
}

/** One observation in a list: thumbnail, taxon, date, author and the community's verdict. */
export function row(o) {
  const li = el('li');
  if (o.thumbnail) li.append(el('img', null, { src: o.thumbnail, alt: photoAlt(o.taxonName, null) }));
  const a = el('a', o.taxonName || t('unidentified', 'Unidentified'), { href: '/observations/' + o.id });
  li.append(a, el('span', date(o.observedUtc)), el('span', person(o.authorName, o.authorUserName), { class: 'score' }));
  if (o.status) li.append(el('span', statusName(o.status), { class: 'badge ' + o.status, 'data-status': o.status }));
  return li;
}

let leaflet = null;
/** Leaflet (most of a map page's weight), loaded the first time a map is shown: script and styles both in before it is drawn. */
export function loadLeaflet() {
  const load = (element, attribute, url) => new Promise((resolve, reject) => {
    element[attribute] = url;
    element.onload = resolve;
    element.onerror = () => reject(new Error(url));
    document.head.append(element);
  });
  const css = document.createElement('link');
  css.rel = 'stylesheet';
  leaflet ??= Promise.all([load(css, 'href', '/lib/leaflet/leaflet.css'), load(document.createElement('script'), 'src', '/lib/leaflet/leaflet.js')])
    .then(() => window.L)
    .catch(e => { leaflet = null; throw e; });
  return leaflet;
}

/** The map tiles every map uses (OpenStreetMap; the CSP's img-src allows its origin). */
export const tileLayer = L => L.tileLayer('https://tile.openstreetmap.org/{z}/{x}/{y}.png', { maxZoom: 19, attribution: '&copy; OpenStreetMap contributors' });

/** A small map with markers in the element #minimap (loads Leaflet first). */
export async function minimap(points, id) {
  if (!points.length) return null;
  let L;
  try { L = await loadLeaflet(); } catch { return null; /* offline and not cached */ }
  const box = document.getElementById(id || 'minimap');
  box.style.display = 'block';
  const map = L.map(box).setView([points[0][0], points[0][1]], 8);
  tileLayer(L).addTo(map);
  for (const p of points) L.marker(p).addTo(map);
  return map;
}

/**
 * The header shared by every page (the server writes it into each, wwwroot/partials/header.html):
 * the account link from the session hint (so it is right offline too), and the language switch,
 * which sets the "lang" cookie the server renders pages by, then reloads.
 */
function setUpHeader() {
  const bar = document.querySelector('header.bar');
  if (!bar) return;
  const account = bar.querySelector('#account');
  const who = signedIn();
  if (account) {
    if (who) {
      account.textContent = t('nav.account', 'Account');
      account.dataset.i18n = 'nav.account';
      account.href = '/account';
      account.dataset.user = who.userName;
    } else {
      account.href = '/account?return=' + encodeURIComponent(location.pathname + location.search);
    }
  }
  for (const link of bar.querySelectorAll('a.navlink')) {
    if (new URL(link.href, location.origin).pathname === location.pathname) link.setAttribute('aria-current', 'page');
  }
  if (!bar.querySelector('#lang')) {
    const select = el('select', null, { id: 'lang', 'aria-label': t('language', 'Language') });
    for (const [code, name] of languages) select.add(new Option(name, code, false, code === lang));
    select.addEventListener('change', () => {
      document.cookie = 'lang=' + select.value + '; path=/; max-age=31536000; samesite=lax';
      try { localStorage.setItem('lang', select.value); } catch { /* storage off */ }
      location.reload();
    });
    bar.append(select);
  }
}

/** A month of a year in the page's language ("nov. 2026", "2026年11月"); month 1-12. */
export const monthYear = (year, month) =>
  new Intl.DateTimeFormat(lang, { month: 'short', year: 'numeric', timeZone: 'UTC' }).format(new Date(Date.UTC(year, month - 1, 1)));
