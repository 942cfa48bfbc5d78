// Challenges for administrators (GET/POST /api/admin/challenges): the list with phase, teams and
// runs; the creation form (folders on the server, under its SourceRoot); dates and limits changed;
// Close with a confirmation (the private leaderboard then appears).
import * as fs from './shared.js';
import * as ch from './challenge-common.js';

const $ = id => document.getElementById(id);
const admin = '/api/admin/challenges';

/** An ISO instant as a datetime-local value in this device's time zone. */
function localValue(iso) {
  const d = new Date(iso);
  const pad = n => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A datetime-local value (this device's time zone) as an ISO instant, or '' when empty. */
const isoValue = local => (local ? new Date(local).toISOString() : '');

let editing = null;

function actions(c) {
  const td = fs.el('td', null, { class: 'actions' });
  const edit = fs.el('button', fs.t('ch.admin.editButton', 'Edit'), { type: 'button', class: 'secondary', 'data-action': 'edit' });
  edit.addEventListener('click', () => startEdit(c));
  td.append(edit);
  if (c.phase !== 'closed') {
    const close = fs.el('button', fs.t('ch.admin.close', 'Close'), { type: 'button', 'data-action': 'close' });
    close.addEventListener('click', () => confirmClose(c));
    td.append(close);
  }
  return td;
}

async function startEdit(c) {
  editing = c;
  // The list carries no limits: the challenge's page has them.
  let limits = {};
  try { limits = await fs.json('/api/challenges/' + encodeURIComponent(c.slug)); } catch (e) { fs.fail(e); }
  const form = $('edit');
  $('edit-name').textContent = c.name;
  form.elements.opens.value = localValue(c.opensUtc);
  form.elements.closes.value = localValue(c.closesUtc);
  form.elements.dailySubmissionLimit.value = limits.dailySubmissionLimit ?? '';
  form.elements.maxTeamSize.value = limits.maxTeamSize ?? '';
  $('edit-panel').hidden = false;
  form.elements.opens.focus();
}

function confirmClose(c) {
  const dialog = $('confirm-close');
  $('confirm-title').textContent = fs.f('ch.admin.confirmClose', 'Close {name} now? No more runs are accepted, and the private leaderboard is published.', { name: c.name });
  dialog.returnValue = '';
  dialog.addEventListener('close', async () => {
    if (dialog.returnValue !== 'close') return;
    const r = await fs.post(`${admin}/${encodeURIComponent(c.slug)}/close`);
    $('status').textContent = r.ok ? fs.f('ch.admin.closed', '{name} is closed.', { name: c.name }) : ch.refusal(r);
    document.body.dataset.closed = r.ok ? c.slug : 'error';
    await show();
  }, { once: true });
  dialog.showModal();
}

async function show() {
  // Signed out, the list is not asked for: its 401 would be logged on an anonymous visit.
  if (!(await fs.me())) { $('signin').hidden = false; document.body.dataset.loaded = '401'; return; }
  const r = await fetch(admin, { credentials: 'same-origin' });
  const body = await r.json();
  if (r.status === 401) { $('signin').hidden = false; document.body.dataset.loaded = '401'; return; }
  if (r.status === 403) { $('status').textContent = fs.t('ch.admin.forbidden', 'Challenges are managed by administrators.'); document.body.dataset.loaded = '403'; return; }
  if (!r.ok) throw new Error(body.message || r.statusText);
  const table = $('challenges');
  table.querySelector('tbody').replaceChildren(...body.map(c => {
    const name = fs.el('td', null, { class: 'version' });
    name.append(fs.el('a', c.name, { href: '/challenges/' + encodeURIComponent(c.slug) }));
    const phase = fs.el('td');
    phase.append(ch.phaseBadge(c.phase));
    const tr = fs.el('tr', null, { 'data-slug': c.slug });
    tr.append(name, phase, fs.el('td', fs.date(c.opensUtc)), fs.el('td', fs.date(c.closedUtc || c.closesUtc)),
      fs.el('td', fs.num(c.teams)), fs.el('td', fs.num(c.runs)), actions(c));
    return ch.labelCells(table, tr);
  }));
  table.hidden = body.length === 0;
  $('none').hidden = body.length > 0;
  $('content').hidden = false;
  document.body.dataset.loaded = String(body.length);
}

// The two sources ask for different fields; only the chosen one's are required.
function showSource() {
  const observations = $('create').elements.source.value === 'observations';
  $('source-folders').hidden = observations;
  $('source-observations').hidden = !observations;
  for (const input of $('source-folders').querySelectorAll('input')) input.required = !observations;
}
for (const radio of $('create').elements.source) radio.addEventListener('change', showSource);

$('create').addEventListener('submit', async ev => {
  ev.preventDefault();
  const e = ev.target.elements;
  const button = ev.target.querySelector('button[type=submit]');
  button.disabled = true;
  $('status').textContent = fs.t('ch.admin.creating', 'Creating the challenge (the photos are re-encoded)…');
  try {
    const r = await fs.post(admin, {
      name: e.name.value, slug: e.slug.value || undefined, description: e.description.value, opensUtc: isoValue(e.opens.value),
      closesUtc: isoValue(e.closes.value), dailySubmissionLimit: e.dailySubmissionLimit.value, maxTeamSize: e.maxTeamSize.value,
      publicPercent: e.publicPercent.value,
      ...(e.source.value === 'observations'
        ? { source: 'observations', project: e.project.value || undefined, testPercent: e.testPercent.value,
            since: e.since.value || undefined, until: e.until.value || undefined }
        : { source: 'folders', trainDir: e.trainDir.value, testDir: e.testDir.value }),
    });
    $('status').textContent = r.ok
      ? fs.f('ch.admin.created', '{name} is created: {test} test observations, {classes} classes.', { name: r.body.name, test: fs.num(r.body.testObservations), classes: fs.num(r.body.classes) })
      : ch.refusal(r);
    document.body.dataset.created = r.ok ? (r.body.slug || e.slug.value) : String(r.status);
    if (r.ok) { ev.target.reset(); showSource(); await show(); }
  } catch (x) { fs.fail(x); } finally { button.disabled = false; }
});

$('edit').addEventListener('submit', async ev => {
  ev.preventDefault();
  if (!editing) return;
  const e = ev.target.elements;
  const r = await fs.post(`${admin}/${encodeURIComponent(editing.slug)}`, {
    opensUtc: isoValue(e.opens.value), closesUtc: isoValue(e.closes.value),
    dailySubmissionLimit: e.dailySubmissionLimit.value || undefined, maxTeamSize: e.maxTeamSize.value || undefined,
  });
  $('status').textContent = r.ok ? fs.f('ch.admin.saved', '{name} is saved.', { name: editing.name }) : ch.refusal(r);
  document.body.dataset.saved = r.ok ? editing.slug : String(r.status);
  if (r.ok) { $('edit-panel').hidden = true; editing = null; await show(); }
});

$('edit-cancel').addEventListener('click', () => { $('edit-panel').hidden = true; editing = null; });

await fs.ready;
try { await show(); } catch (e) { fs.fail(e); document.body.dataset.loaded = 'error'; }
