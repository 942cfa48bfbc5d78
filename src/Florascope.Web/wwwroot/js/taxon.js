// A species page (/taxa/{name}): names in the 13 languages, photos by organ (valid observations' first,
// then the model's references, each credited, full screen on tap), the distribution on a grid of public
// positions (Leaflet loaded only when the map is scrolled into view), the phenology by month, similar
// species, recent observations and links to GBIF and POWO. Everything from GET /api/taxa/{name},
// /api/stats/taxa/{name} and /api/observations.
import { ready, t, f, lang, languages, el, num, monthName, organName, person, photoAlt, row, fail, loadLeaflet, tileLayer } from './shared.js';
import { florasReady, floraName } from './flora-choices.js';

const name = (() => {
  const raw = location.pathname.split('/').pop();
  try { return decodeURIComponent(raw); } catch { return raw; /* a malformed escape: asked as written, the server answers 404 */ }
})();
const status = document.getElementById('status');
await ready;

/** Vernacular names in a language, else in English (as the server's Taxon.NamesIn). */
const namesIn = (names, code) => (names[code] && names[code].length ? names[code] : names.en || []);

/** A licence code as people read it ("cc-by" -> "CC BY"); free text (a reference's) as given. */
const licence = l => (/^cc/i.test(l) ? l.toUpperCase().replace(/-/g, ' ') : l);

/** "Author · licence"; an observation's author with the user name nobody else can take. */
const credit = p => [p.kind === 'observation' ? person(p.author, p.authorUserName) : p.author, licence(p.license)].filter(Boolean).join(' · ');

function showFacts(taxon) {
  const h1 = document.querySelector('h1');
  h1.removeAttribute('data-i18n');
  h1.replaceChildren(el('em', taxon.name), document.createTextNode(taxon.authorship ? ' ' + taxon.authorship : ''));
  document.title = taxon.name + ' · Florascope';
  document.getElementById('vernacular').textContent = namesIn(taxon.commonNames, lang).join(', ');
  const facts = document.getElementById('facts');
  const add = (dl, k, v, attrs) => { if (v) dl.append(el('dt', k, attrs), el('dd', v, attrs)); };
  add(facts, t('taxon.family', 'Family'), taxon.family);
  add(facts, t('taxon.genus', 'Genus'), taxon.genus);
  add(facts, t('taxon.synonyms', 'Synonyms'), taxon.synonyms.join(', '));
  add(facts, t('taxon.range', 'Native range'), taxon.nativeRange);
  // Floras by their names in the page's language (an imported one by its title), never their codes.
  add(facts, t('taxon.floras', 'Floras'), taxon.projects.map(floraName).join(', '));
  add(facts, t('taxon.count', 'Observations'), num(taxon.observations));
  // The page's language first, each labelled by the language's own name and marked with its code.
  const names = document.getElementById('names');
  const ordered = [...languages.filter(([code]) => code === lang), ...languages.filter(([code]) => code !== lang)];
  for (const [code, native] of ordered) {
    const list = taxon.commonNames[code];
    if (!list || !list.length) continue;
    names.append(el('dt', native, { lang: code }), el('dd', list.join(', '), { lang: code, dir: 'auto' }));
  }
  for (const [id, url] of [['gbif', taxon.links.gbif], ['powo', taxon.links.powo]]) document.getElementById(id).href = url;
}

// ---- Photos by organ, and the full-screen viewer ----
const viewer = document.getElementById('viewer');
const viewerImg = document.getElementById('viewer-img');
let shown = [];
let current = 0;

function open(i) {
  current = (i + shown.length) % shown.length;
  const p = shown[current];
  viewerImg.src = p.medium;
  viewerImg.alt = p.alt;
  document.getElementById('viewer-credit').textContent = credit(p);
  const link = document.getElementById('viewer-link');
  // A source record from the bundle's credits is a link only when it is a web address.
  const source = typeof p.source === 'string' && /^https?:\/\//i.test(p.source) ? p.source : null;
  link.hidden = !(p.observationId || source);
  if (p.observationId) {
    link.href = '/observations/' + p.observationId;
    link.textContent = t('taxon.seeobservation', 'See the observation');
    link.removeAttribute('target');
  } else if (source) {
    link.href = source;
    link.textContent = t('taxon.source', 'Source record');
    link.target = '_blank';
    link.rel = 'noopener';
  }
  const several = shown.length > 1;
  document.getElementById('viewer-prev').hidden = !several;
  document.getElementById('viewer-next').hidden = !several;
  if (!viewer.open) viewer.showModal();
}
document.getElementById('viewer-prev').addEventListener('click', () => open(current - 1));
document.getElementById('viewer-next').addEventListener('click', () => open(current + 1));
document.getElementById('viewer-close').addEventListener('click', () => viewer.close());
// A tap on the backdrop closes, as Escape does (the dialog's own behaviour).
viewer.addEventListener('click', e => { if (e.target === viewer) viewer.close(); });
// A horizontal swipe goes to the next or previous photo (mirrored right to left).
let swipeStart = null;
viewer.addEventListener('pointerdown', e => { swipeStart = e.clientX; });
viewer.addEventListener('pointerup', e => {
  if (swipeStart === null || shown.length < 2) return;
  const dx = (e.clientX - swipeStart) * (document.documentElement.dir === 'rtl' ? -1 : 1);
  swipeStart = null;
  if (Math.abs(dx) > 50) open(current + (dx < 0 ? 1 : -1));
});

function showPhotos(taxon) {
  const organs = [...new Set(taxon.photos.map(p => p.organ))];
  const tabs = document.getElementById('organs');
  const gallery = document.getElementById('gallery');
  document.getElementById('nophotos').hidden = organs.length > 0;
  tabs.hidden = gallery.hidden = organs.length === 0;
  for (const p of taxon.photos) p.alt = photoAlt(taxon.name, p.organ, p.kind === 'reference' ? 'reference' : 'photo');
  const buttons = organs.map(organ => el('button', organName(organ), {
    type: 'button', role: 'tab', id: 'tab-' + organ, 'aria-controls': 'gallery', 'aria-selected': 'false', tabindex: '-1', 'data-organ': organ,
  }));
  function select(i) {
    buttons.forEach((b, j) => { b.setAttribute('aria-selected', String(i === j)); b.tabIndex = i === j ? 0 : -1; });
    gallery.setAttribute('aria-labelledby', buttons[i].id);
    shown = taxon.photos.filter(p => p.organ === organs[i]);
    gallery.replaceChildren(...shown.map((p, k) => {
      const figure = el('figure', null, { class: 'thumb', 'data-kind': p.kind });
      const button = el('button', null, { type: 'button', class: 'thumb-open' });
      button.append(el('img', null, { src: p.small, alt: p.alt, loading: 'lazy' }));
      button.addEventListener('click', () => open(k));
      figure.append(button, el('figcaption', credit(p)));
      if (p.kind === 'observation') figure.append(el('span', t('taxon.kind.observation', 'Observation'), { class: 'kind' }));
      return figure;
    }));
  }
  buttons.forEach((b, i) => {
    b.addEventListener('click', () => select(i));
    // Arrow keys move between tabs (the tabs pattern), mirrored right to left.
    b.addEventListener('keydown', e => {
      const step = { ArrowRight: 1, ArrowLeft: -1 }[e.key];
      if (!step) return;
      const rtl = document.documentElement.dir === 'rtl' ? -1 : 1;
      const next = (i + step * rtl + buttons.length) % buttons.length;
      select(next);
      buttons[next].focus();
    });
  });
  tabs.replaceChildren(...buttons);
  if (buttons.length) select(0);
}

// ---- Distribution (grid of public positions) and phenology, from the statistics ----
function showDistribution(stats) {
  const cells = stats.distribution;
  const total = cells.reduce((s, c) => s + c.observations, 0);
  const summary = document.getElementById('distribution-summary');
  if (!cells.length) { summary.textContent = t('taxon.distribution.none', 'No public positions yet.'); return; }
  summary.textContent = f('taxon.distribution.summary', 'Observations with a public position: {observations} (grid squares of {size}°: {cells})',
    { observations: num(total), cells: num(cells.length), size: num(stats.cell) });
  const box = document.getElementById('map');
  box.hidden = false;
  // Leaflet (most of a map page's weight) is loaded only once the map scrolls into view.
  const watcher = new IntersectionObserver(async entries => {
    if (!entries.some(e => e.isIntersecting)) return;
    watcher.disconnect();
    let L;
    try { L = await loadLeaflet(); } catch { return; /* offline and not cached */ }
    const map = L.map(box);
    tileLayer(L).addTo(map);
    const most = Math.max(...cells.map(c => c.observations));
    const bounds = [];
    for (const c of cells) {
      const corners = [[c.south, c.west], [c.south + c.size, c.west + c.size]];
      bounds.push(...corners);
      L.rectangle(corners, { color: '#2f6b2f', weight: 1, fillOpacity: 0.25 + 0.55 * (c.observations / most) })
        .bindTooltip(f('taxon.cell', 'Observations in this square: {n}', { n: num(c.observations) })).addTo(map);
    }
    map.fitBounds(bounds, { maxZoom: 8 });
    document.body.dataset.map = String(cells.length);
  });
  watcher.observe(box);
}

function showPhenology(stats) {
  const months = stats.phenology;
  const most = Math.max(0, ...months.map(m => m.observations));
  document.getElementById('phenology-none').hidden = most > 0;
  const chart = document.getElementById('phenology');
  chart.hidden = most === 0;
  chart.replaceChildren(...months.map(m => {
    const li = el('li', null, { 'data-month': String(m.month), 'data-count': String(m.observations) });
    const bar = el('span', null, { class: 'phen-bar', 'aria-hidden': 'true' });
    // A share of the column's height, set through the CSSOM (the CSP forbids style attributes).
    bar.style.blockSize = (most ? Math.round(100 * m.observations / most) : 0) + '%';
    const label = f('taxon.phenology.month', '{month}: {n}', { month: monthName(m.month, 'long'), n: num(m.observations) });
    li.append(el('span', num(m.observations), { class: 'phen-count', 'aria-hidden': 'true' }), el('span', null, { class: 'phen-column', 'aria-hidden': 'true' }),
      el('span', monthName(m.month, 'narrow'), { class: 'phen-month', 'aria-hidden': 'true' }), el('span', label, { class: 'sr-only' }));
    li.querySelector('.phen-column').append(bar);
    return li;
  }));
}

function showSimilar(taxon) {
  const list = document.getElementById('similar');
  document.getElementById('similar-none').hidden = taxon.similar.length > 0;
  list.replaceChildren(...taxon.similar.map(s => {
    const li = el('li');
    const a = el('a', null, { href: '/taxa/' + encodeURIComponent(s.name) });
    a.append(el('em', s.name));
    if (s.commonNames.length) a.append(el('span', s.commonNames[0], { class: 'similar-common' }));
    const why = [];
    if (s.namedTogether > 0) why.push(f('taxon.similar.votes', 'Observations naming both: {n}', { n: num(s.namedTogether) }));
    if (s.similarity !== null) why.push(t('taxon.similar.model', 'Looks alike to the model'));
    li.append(a, el('span', why.join(' · '), { class: 'similar-why' }));
    return li;
  }));
}

try {
  const r = await fetch('/api/taxa/' + encodeURIComponent(name) + '?lang=' + lang, { credentials: 'same-origin' });
  if (r.status === 404) {
    document.querySelector('h1').textContent = t('taxon.unknown.title', 'Unknown taxon');
    status.textContent = f('taxon.unknown', 'No taxon named “{name}” is known here.', { name });
    document.body.dataset.unknown = '';
  } else {
    const taxon = await r.json();
    if (!r.ok) throw new Error(taxon.message || r.statusText);
    await florasReady;
    showFacts(taxon);
    showPhotos(taxon);
    showSimilar(taxon);
    document.getElementById('content').hidden = false;
    const [stats, list] = await Promise.all([
      fetch('/api/stats/taxa/' + encodeURIComponent(taxon.name), { credentials: 'same-origin' }).then(x => (x.ok ? x.json() : null)).catch(() => null),
      fetch('/api/observations?pageSize=20&taxon=' + encodeURIComponent(taxon.name), { credentials: 'same-origin' }).then(x => (x.ok ? x.json() : []))]);
    // No statistics (offline, or refused): the sections say there is nothing to show.
    showDistribution(stats || { distribution: [], cell: 1 });
    showPhenology(stats || { phenology: [] });
    document.getElementById('list').replaceChildren(...list.map(row));
    document.getElementById('noobservations').hidden = list.length > 0;
    document.body.dataset.loaded = String(list.length);
  }
} catch (e) { fail(e); }
