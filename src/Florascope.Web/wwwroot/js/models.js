// The model history (administrators): the running model, every registered candidate with its
// metrics and the current model's on the same evaluation photos, and the promotion decision.
import * as fs from './shared.js';

const $ = id => document.getElementById(id);
const yes = b => (b ? fs.t('why.yes', 'yes') : fs.t('why.no', 'no'));
// The main columns; every other numeric key of the metrics JSON is listed under "All metrics".
const MAIN = ['macroMrr', 'top1', 'ece'];
const metric = (m, k) => (m && typeof m[k] === 'number' ? m[k] : null);

function compared(candidate, baseline, key) {
  const td = fs.el('td', null, { 'data-metric': key });
  td.append(fs.el('span', fs.num(metric(candidate, key), 4), { class: 'candidate' }));
  if (metric(baseline, key) !== null) td.append(document.createTextNode(' '), fs.el('small', fs.f('models.vs', 'vs {value}', { value: fs.num(metric(baseline, key), 4) }), { class: 'baseline' }));
  return td;
}

function allMetrics(v) {
  const keys = [...new Set([...Object.keys(v.metrics || {}), ...Object.keys(v.baselineMetrics || {})])]
    .filter(k => typeof metric(v.metrics, k) === 'number' || typeof metric(v.baselineMetrics, k) === 'number');
  const td = fs.el('td');
  if (!keys.length) return td;
  const details = fs.el('details');
  details.append(fs.el('summary', fs.f('models.count', '{n} metrics', { n: keys.length })));
  const dl = fs.el('dl', null, { class: 'facts' });
  for (const k of keys) {
    const c = metric(v.metrics, k), b = metric(v.baselineMetrics, k);
    dl.append(fs.el('dt', k), fs.el('dd', fs.num(c, 4) + (b !== null ? ' ' + fs.f('models.vs', 'vs {value}', { value: fs.num(b, 4) }) : '')));
  }
  details.append(dl);
  td.append(details);
  return td;
}

async function show() {
  try {
    // Signed out, the history is not asked for: its 401 would be logged on an anonymous visit.
    if (!(await fs.me())) { $('signin').hidden = false; document.body.dataset.loaded = '401'; return; }
    const r = await fetch('/api/models', { credentials: 'same-origin' });
    const body = await r.json();
    if (r.status === 401) { $('signin').hidden = false; $('status').textContent = body.message; document.body.dataset.loaded = '401'; return; }
    if (r.status === 403) { $('status').textContent = fs.t('models.forbidden', 'The model history is for administrators.'); document.body.dataset.loaded = '403'; return; }
    if (!r.ok) throw new Error(body.message || r.statusText);
    $('running').textContent = fs.t('models.running', 'Running model:') + ' ' + body.running;
    $('running').hidden = false;
    $('explain').hidden = false;
    // On a phone each row is a card: every value is shown under its column's name.
    const labels = [...$('versions').querySelectorAll('thead th')].map(th => th.textContent);
    $('versions').querySelector('tbody').replaceChildren(...body.versions.map(v => {
      const tr = fs.el('tr', null, { class: v.isCurrent ? 'current' : '', 'data-version': v.version });
      const current = yes(v.isCurrent) + (v.isRunning ? ' (' + fs.t('models.isrunning', 'running') + ')' : '');
      tr.append(fs.el('td', v.version, { class: 'version' }), fs.el('td', fs.date(v.createdUtc)), fs.el('td', yes(v.promoted), { 'data-promoted': String(v.promoted) }),
        fs.el('td', current), fs.el('td', v.decision, { class: 'decision' }));
      for (const k of MAIN) tr.append(compared(v.metrics, v.baselineMetrics, k));
      tr.append(fs.el('td', v.baselineVersion || '—'), allMetrics(v));
      [...tr.children].forEach((td, i) => td.setAttribute('data-label', labels[i] || ''));
      return tr;
    }));
    $('versions').hidden = body.versions.length === 0;
    $('none').hidden = body.versions.length !== 0;
    document.body.dataset.loaded = String(body.versions.length);
  } catch (e) { fs.fail(e); }
}

await fs.ready;
await show();
