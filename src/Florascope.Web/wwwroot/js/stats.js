// The statistics page: activity per month and flora, top taxa, and one taxon's distribution
// (grid cells of public positions on a Leaflet map) and phenology, from /api/stats, drawn with Chart.js.
import * as fs from './shared.js';
import { florasReady, floraNames } from './flora-choices.js';

const params = new URLSearchParams(location.search);
const filters = document.getElementById('filters');
const taxonForm = document.getElementById('taxon-form');
for (const [k, v] of params) {
  if (filters.elements[k]) filters.elements[k].value = v;
  if (taxonForm.elements[k]) taxonForm.elements[k].value = v;
}
await fs.ready;
// The flora options come from /api/projects (flora-choices.js): a linked ?project= applies once they are in.
await florasReady;
if (params.get('project')) filters.elements.project.value = params.get('project');
const status = document.getElementById('status');
const taxonStatus = document.getElementById('taxon-status');
const taxonInput = document.getElementById('taxon');
taxonInput.placeholder = fs.t('stats.taxonhint', 'Scientific or common name');
taxonInput.setAttribute('aria-label', fs.t('stats.taxon', 'One taxon'));
document.getElementById('monthly').setAttribute('aria-label', fs.t('stats.monthly', 'Per month'));
document.getElementById('top').setAttribute('aria-label', fs.t('stats.toptaxa', 'Most observed taxa (valid observations)'));
document.getElementById('phenology').setAttribute('aria-label', fs.t('stats.phenology', 'Observations by month of the year'));
fs.autocomplete(taxonInput, document.getElementById('taxa'), () => filters.elements.project.value);

const charts = {};
// One chart per canvas, replaced when the data changes.
function draw(id, config) {
  if (charts[id]) charts[id].destroy();
  config.options = Object.assign({ responsive: true, maintainAspectRatio: false, animation: false, locale: fs.lang }, config.options);
  charts[id] = new Chart(document.getElementById(id), config);
}
const monthName = m => fs.monthName(m);
const filterQuery = () => {
  const q = new URLSearchParams();
  for (const k of ['project', 'from', 'to']) if (filters.elements[k].value) q.set(k, filters.elements[k].value);
  return q;
};

async function overview() {
  const q = filterQuery();
  q.set('top', '10');
  const s = await fs.json('/api/stats?' + q);
  draw('monthly', {
    type: 'line',
    data: {
      labels: s.monthly.map(m => fs.monthYear(m.year, m.month)),
      datasets: [
        { label: fs.t('stats.observations', 'Observations'), data: s.monthly.map(m => m.observations) },
        { label: fs.t('stats.valid', 'Valid observations'), data: s.monthly.map(m => m.valid) },
        { label: fs.t('stats.contributors', 'Contributors'), data: s.monthly.map(m => m.contributors) },
      ],
    },
    options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
  });
  const floras = document.getElementById('floras');
  floras.replaceChildren(...s.projects.flatMap(p => [
    // Observations made without choosing a flora are in "all".
    fs.el('dt', p.project === 'all' ? fs.t('map.allfloras', 'All floras') : floraNames.get(p.project) || fs.t('flora.' + p.project, p.project)),
    fs.el('dd', fs.f('stats.floracounts', '{observations} observations, {valid} valid, {contributors} contributors',
      { observations: fs.num(p.observations), valid: fs.num(p.valid), contributors: fs.num(p.contributors) })),
  ]));
  if (!s.projects.length) floras.append(fs.el('dd', fs.t('stats.none', 'No observations yet.')));
  draw('top', {
    type: 'bar',
    data: {
      labels: s.topTaxa.map(t => t.taxonName),
      datasets: [{ label: fs.t('stats.valid', 'Valid observations'), data: s.topTaxa.map(t => t.valid) }],
    },
    options: {
      indexAxis: 'y',
      scales: { x: { beginAtZero: true, ticks: { precision: 0 } } },
      // A bar chosen is the taxon shown below.
      onClick: (e, items) => { if (items.length) { taxonInput.value = s.topTaxa[items[0].index].taxonName; taxon(); } },
    },
  });
  return s;
}

const map = L.map('grid-map').setView([46, 2], 3);
fs.tileLayer(L).addTo(map);
const cells = L.layerGroup().addTo(map);

async function taxon() {
  const name = taxonInput.value.trim();
  if (!name) return;
  const q = filterQuery();
  q.set('cell', taxonForm.elements.cell.value);
  const t = await fs.json('/api/stats/taxa/' + encodeURIComponent(name) + '?' + q);
  taxonInput.value = t.taxonName;
  document.getElementById('taxon-name').replaceChildren(fs.el('a', t.taxonName, { href: '/taxa/' + encodeURIComponent(t.taxonName) }));
  cells.clearLayers();
  const max = Math.max(1, ...t.distribution.map(c => c.observations));
  for (const c of t.distribution) {
    // Darker for more observations; the whole cell is drawn, never a point inside it.
    L.rectangle([[c.south, c.west], [c.south + c.size, c.west + c.size]],
      { color: '#2e7d32', weight: 1, fillOpacity: 0.15 + 0.6 * c.observations / max })
      .bindTooltip(fs.f('stats.cellcount', '{observations} observations', { observations: fs.num(c.observations) }))
      .addTo(cells);
  }
  if (t.distribution.length) map.fitBounds(cells.getLayers().map(r => r.getBounds()).reduce((a, b) => a.extend(b)), { maxZoom: 8 });
  draw('phenology', {
    type: 'bar',
    data: {
      labels: t.phenology.map(m => monthName(m.month)),
      datasets: [
        { label: fs.t('stats.observations', 'Observations'), data: t.phenology.map(m => m.observations) },
        { label: fs.t('stats.valid', 'Valid observations'), data: t.phenology.map(m => m.valid) },
      ],
    },
    options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
  });
  document.body.dataset.taxon = t.taxonName;
}

function remember() {
  const q = filterQuery();
  if (taxonInput.value) q.set('taxon', taxonInput.value);
  history.replaceState(null, '', '?' + q);
}
// Errors are shown beside what caused them: the filters' at the top, the taxon's under its form.
async function run(work, where) {
  const target = where || status;
  target.textContent = '';
  try { await work(); } catch (e) { target.textContent = e.message; }
}
filters.addEventListener('submit', e => { e.preventDefault(); remember(); run(async () => { await overview(); await taxon(); }); });
taxonForm.addEventListener('submit', e => { e.preventDefault(); remember(); run(taxon, taxonStatus); });

await run(async () => {
  const s = await overview();
  // Without a chosen taxon, the most observed one.
  if (!taxonInput.value && s.topTaxa.length) taxonInput.value = s.topTaxa[0].taxonName;
  await taxon();
});
document.body.dataset.loaded = 'true';
