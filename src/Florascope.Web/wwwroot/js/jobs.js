// The periodic jobs (administrators): per job its period, last run on whichever node, next due
// time and recent runs, from GET /api/admin/jobs; "Run now" asks this node to run one (still once
// across nodes: a run in progress elsewhere answers 409).
import * as fs from './shared.js';

const $ = id => document.getElementById(id);
const jobName = name => fs.t('jobs.name.' + name, name);
const outcome = o => fs.t('jobs.outcome.' + o, o);
const seconds = s => fs.f('jobs.seconds', '{n} s', { n: fs.num(s, 1) });

function period(s) {
  if (s === null || s === undefined) return fs.t('jobs.off', 'off');
  return s % 3600 === 0 ? fs.f('jobs.hours', '{n} h', { n: fs.num(s / 3600) }) : fs.f('jobs.minutes', '{n} min', { n: fs.num(s / 60, 1) });
}

function runs(job) {
  const td = fs.el('td');
  if (!job.runs.length) return td;
  const details = fs.el('details');
  details.append(fs.el('summary', fs.f('jobs.count', '{n} runs', { n: job.runs.length })));
  const list = fs.el('ol', null, { class: 'job-runs' });
  for (const r of job.runs) {
    const text = `${fs.date(r.startedUtc)} · ${r.node} · ${outcome(r.outcome)} · ${seconds(r.durationSeconds)}` +
      (r.attempt > 1 ? ' · ' + fs.f('jobs.attempt', 'attempt {n}', { n: r.attempt }) : '') + (r.error ? ' · ' + r.error : '');
    list.append(fs.el('li', text, { 'data-outcome': r.outcome }));
  }
  details.append(list);
  td.append(details);
  return td;
}

function runButton(job) {
  const td = fs.el('td');
  const button = fs.el('button', fs.t('jobs.run', 'Run now'), { type: 'button', 'data-job': job.name });
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      const r = await fs.postWithHeader(`/api/admin/jobs/${encodeURIComponent(job.name)}/run`);
      $('status').textContent = r.ok ? fs.f('jobs.started', '{job} started on {node}.', { job: jobName(job.name), node: r.body.node }) : (r.body && r.body.message) || String(r.status);
      document.body.dataset.ran = String(r.status);
      // The run is recorded when it ends: look again shortly.
      setTimeout(show, 1500);
    } catch (e) { fs.fail(e); } finally { button.disabled = false; }
  });
  td.append(button);
  return td;
}

async function show() {
  try {
    // Signed out, the dashboard is not asked for: its 401 would be logged on an anonymous visit.
    if (!(await fs.me())) { $('signin').hidden = false; document.body.dataset.loaded = '401'; return; }
    const r = await fetch('/api/admin/jobs', { credentials: 'same-origin' });
    const body = await r.json();
    if (r.status === 401) { $('signin').hidden = false; $('status').textContent = body.message; document.body.dataset.loaded = '401'; return; }
    if (r.status === 403) { $('status').textContent = fs.t('jobs.forbidden', 'The jobs dashboard is for administrators.'); document.body.dataset.loaded = '403'; return; }
    if (!r.ok) throw new Error(body.message || r.statusText);
    $('node').textContent = fs.f('jobs.node', 'Answered by node {node}.', { node: body.node });
    $('node').hidden = false;
    $('explain').hidden = false;
    // On a phone each row is a card: every value is shown under its column's name.
    const labels = [...$('jobs').querySelectorAll('thead th')].map(th => th.textContent);
    $('jobs').querySelector('tbody').replaceChildren(...body.jobs.map(job => {
      const last = job.lastRun;
      const tr = fs.el('tr', null, { 'data-job': job.name });
      tr.append(fs.el('td', jobName(job.name), { class: 'version' }), fs.el('td', period(job.periodSeconds)),
        fs.el('td', last ? `${fs.date(last.startedUtc)} · ${last.node}` : fs.t('jobs.never', 'never')),
        fs.el('td', last ? outcome(last.outcome) + (last.error ? ' — ' + last.error : '') : '—', { 'data-outcome': last ? last.outcome : '' }),
        fs.el('td', last ? seconds(last.durationSeconds) : '—'),
        fs.el('td', job.periodSeconds === null ? fs.t('jobs.off', 'off') : fs.date(job.nextDueUtc)),
        runs(job), runButton(job));
      [...tr.children].forEach((td, i) => td.setAttribute('data-label', labels[i] || ''));
      return tr;
    }));
    $('jobs').hidden = false;
    document.body.dataset.loaded = String(body.jobs.length);
  } catch (e) { fs.fail(e); }
}

await fs.ready;
await show();
