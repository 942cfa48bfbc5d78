// The map page: observations in the viewport from /api/observations.geojson, clustered.
(function () {
  'use strict';
  const params = new URLSearchParams(location.search);
  const form = document.getElementById('filters');
  for (const [k, v] of params) if (form.elements[k]) form.elements[k].value = v;
  // The floras' options arrive later (js/floras.js): the points are loaded again with the chosen one.
  if (params.get('project')) window.florasReady.then(() => { form.elements.project.value = params.get('project'); load(); });

  const map = L.map('map', { zoomControl: true }).setView([46, 2], 4);
  L.tileLayer('https://tile.openstreetmap.org/{z}/{x}/{y}.png', {
    maxZoom: 19,
    attribution: '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
  }).addTo(map);
  const cluster = L.markerClusterGroup();
  map.addLayer(cluster);
  const count = document.getElementById('count');
  let pending = null;

  function text(s) { const d = document.createElement('div'); d.textContent = s; return d.innerHTML; }

  async function load() {
    if (pending) pending.abort();
    pending = new AbortController();
    const b = map.getBounds();
    const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
    const q = new URLSearchParams({
      bbox: [clamp(b.getWest(), -180, 180), clamp(b.getSouth(), -90, 90), clamp(b.getEast(), -180, 180), clamp(b.getNorth(), -90, 90)].join(','),
      limit: '2000'
    });
    for (const k of ['taxon', 'project', 'from', 'to']) if (form.elements[k].value) q.set(k, form.elements[k].value);
    try {
      const r = await fetch('/api/observations.geojson?' + q, { signal: pending.signal });
      if (!r.ok) { count.textContent = (await r.json()).message; return; }
      const data = await r.json();
      cluster.clearLayers();
      cluster.addLayers(data.features.map(f => L.marker([f.geometry.coordinates[1], f.geometry.coordinates[0]])
        .bindPopup('<a href="/observations/' + f.properties.id + '">' + text(f.properties.taxon || window.i18n.t('unidentified', 'Unidentified')) + '</a><br>' +
          text(new Date(f.properties.observed).toLocaleDateString()))));
      count.textContent = data.features.length + ' ' + window.i18n.t('map.inview', 'observations in view');
      document.body.dataset.loaded = String(data.features.length);
    } catch (e) {
      if (e.name !== 'AbortError') count.textContent = 'The map data could not be loaded.';
    }
  }

  form.addEventListener('submit', e => {
    e.preventDefault();
    const q = new URLSearchParams(new FormData(form));
    for (const [k, v] of [...q]) if (!v) q.delete(k);
    history.replaceState(null, '', '?' + q);
    load();
  });
  map.on('moveend', load);
  load();
})();
