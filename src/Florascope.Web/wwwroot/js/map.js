// The map page: observations in the viewport from /api/observations.geojson, clustered, each popup
// with the observation's first photo; filters (a name in any language, resolved by the server;
// flora; dates) folded into "Filters" on a phone; "Locate me". Offline the page says so and lists
// the observations of the last visit, kept on this device (the API's answers are not cached).
import { ready, t, f, el, day, num, autocomplete, photoAlt } from './shared.js';
import { florasReady } from './flora-choices.js';

const KEPT = 'map.kept', KEEP = 100;
const $ = id => document.getElementById(id);
const form = $('filters');
const count = $('count');
const params = new URLSearchParams(location.search);
for (const [k, v] of params) if (form.elements[k]) form.elements[k].value = v;

// Folded on a phone, open where there is room.
const wide = window.matchMedia('(min-width: 600px)');
$('filterbox').open = wide.matches;
wide.addEventListener('change', () => { if (wide.matches) $('filterbox').open = true; });

function kept() {
  try { return JSON.parse(localStorage.getItem(KEPT)) || []; } catch { return []; }
}

function keep(features) {
  const list = features.slice(0, KEEP).map(x => ({ id: x.properties.id, taxon: x.properties.taxon, observed: x.properties.observed }));
  try { localStorage.setItem(KEPT, JSON.stringify(list)); } catch { /* storage full or off */ }
}

/** Offline or without Leaflet: the message and the observations kept from the last visit, as links. */
function showOffline() {
  const list = kept();
  $('offline').hidden = false;
  $('offlinetext').textContent = list.length
    ? t('map.offline.kept', 'You are offline: the map needs the network. The observations of your last visit:')
    : t('map.offline', 'You are offline: the map needs the network.');
  $('kept').replaceChildren(...list.map(o => {
    const li = el('li', null, { 'data-id': String(o.id) });
    li.append(el('a', o.taxon || t('unidentified', 'Unidentified'), { href: '/observations/' + o.id }), el('span', day(o.observed)));
    return li;
  }));
  document.body.dataset.offline = String(list.length);
}

function popup(p) {
  const box = el('div', null, { class: 'popup' });
  const name = p.taxon || t('unidentified', 'Unidentified');
  if (p.thumbnail) box.append(el('img', null, { src: p.thumbnail, alt: photoAlt(p.taxon, null), width: '64', height: '64' }));
  const text = el('div');
  text.append(el('a', name, { href: '/observations/' + p.id }), el('span', day(p.observed), { class: 'when' }));
  box.append(text);
  return box;
}

// The page opens offline after one visit (the service worker keeps the shell).
if ('serviceWorker' in navigator) navigator.serviceWorker.register('/sw.js').catch(() => { /* not offered: online only */ });
await ready;
autocomplete(form.elements.taxon, $('taxa'));
const L = window.L;
if (!L || !L.markerClusterGroup) {
  showOffline();
} else {
  const map = L.map('map', { zoomControl: true }).setView([46, 2], 4);
  L.tileLayer('https://tile.openstreetmap.org/{z}/{x}/{y}.png', {
    maxZoom: 19,
    attribution: '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
  }).addTo(map);
  const cluster = L.markerClusterGroup();
  map.addLayer(cluster);
  let pending = null, here = null;

  const load = async () => {
    if (pending) pending.abort();
    pending = new AbortController();
    const b = map.getBounds();
    const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
    const q = new URLSearchParams({
      bbox: [clamp(b.getWest(), -180, 180), clamp(b.getSouth(), -90, 90), clamp(b.getEast(), -180, 180), clamp(b.getNorth(), -90, 90)].join(','),
      limit: '2000',
    });
    for (const k of ['taxon', 'project', 'from', 'to']) if (form.elements[k].value) q.set(k, form.elements[k].value.trim());
    try {
      const r = await fetch('/api/observations.geojson?' + q, { signal: pending.signal, credentials: 'same-origin' });
      if (!r.ok) {
        count.textContent = (await r.json().catch(() => ({}))).message || String(r.status);
        document.body.dataset.loaded = 'error';
        return;
      }
      const data = await r.json();
      $('offline').hidden = true;
      cluster.clearLayers();
      cluster.addLayers(data.features.map(x => L.marker([x.geometry.coordinates[1], x.geometry.coordinates[0]], { alt: x.properties.taxon || t('unidentified', 'Unidentified') })
        .bindPopup(() => popup(x.properties))));
      count.textContent = f('map.count', '{n} observations in view', { n: num(data.features.length, 0) });
      keep(data.features);
      document.body.dataset.loaded = String(data.features.length);
    } catch (e) {
      if (e.name === 'AbortError') return;
      // No network: say so, with what this device kept.
      count.textContent = '';
      showOffline();
    }
  };

  form.addEventListener('submit', e => {
    e.preventDefault();
    const q = new URLSearchParams(new FormData(form));
    for (const [k, v] of [...q]) if (!v) q.delete(k);
    history.replaceState(null, '', '?' + q);
    if (!wide.matches) $('filterbox').open = false;
    load();
  });

  $('locate').addEventListener('click', () => {
    if (!navigator.geolocation) { count.textContent = t('map.locate.none', 'This device cannot tell its position.'); return; }
    count.textContent = t('map.locate.wait', 'Finding your position…');
    navigator.geolocation.getCurrentPosition(p => {
      const at = [p.coords.latitude, p.coords.longitude];
      if (here) here.remove();
      here = L.circleMarker(at, { radius: 8, color: '#1d4ed8', fillOpacity: 0.6, className: 'me-dot' }).addTo(map);
      map.setView(at, 13);
      document.body.dataset.located = at.map(v => v.toFixed(4)).join(',');
    }, () => {
      count.textContent = t('map.locate.denied', 'Your position is not available: allow it in the browser, or move the map by hand.');
    }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  });

  map.on('moveend', load);
  // The floras' options arrive later: a flora in the address is chosen once they are in.
  if (params.get('project')) florasReady.then(() => { form.elements.project.value = params.get('project'); load(); });
  if (!navigator.onLine) showOffline();
  load();
}
