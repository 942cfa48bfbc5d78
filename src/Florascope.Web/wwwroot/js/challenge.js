// One challenge (GET /api/challenges/{slug}): its rules and the run format, the downloads, the
// signed-in account's team (create, invite, answer invitations), the run upload with its errors
// listed by line, the team's runs (polled until scored) and the public/private leaderboards.
import * as fs from './shared.js';
import * as ch from './challenge-common.js';

const $ = id => document.getElementById(id);
const slug = decodeURIComponent(location.pathname.split('/').filter(Boolean)[1] || '');
const api = '/api/challenges/' + encodeURIComponent(slug);
// While a run waits to be scored, its status is asked again this often.
const pollMs = 2000;

let challenge = null;
let board = 'public';
let pollTimer = null;

function fact(dl, key, fallback, value, name) {
  dl.append(fs.el('dt', fs.t(key, fallback)), fs.el('dd', value, name ? { 'data-fact': name } : {}));
}

function showFacts(c) {
  $('name').textContent = c.name;
  document.title = 'Florascope · ' + c.name;
  $('description').textContent = c.description || '';
  const dl = $('facts');
  dl.replaceChildren();
  const phase = ch.phaseBadge(c.phase);
  dl.append(fs.el('dt', fs.t('ch.phase', 'Phase')));
  const dd = fs.el('dd', null, { 'data-fact': 'phase' });
  dd.append(phase);
  dl.append(dd);
  fact(dl, 'ch.opens', 'Opens', fs.date(c.opensUtc), 'opens');
  fact(dl, 'ch.closes', 'Closes', fs.date(c.closesUtc), 'closes');
  if (c.closedUtc) fact(dl, 'ch.closed', 'Closed', fs.date(c.closedUtc), 'closed');
  fact(dl, 'ch.rule.runs', 'Runs per team per day (UTC)', fs.num(c.dailySubmissionLimit), 'runs-per-day');
  fact(dl, 'ch.rule.team', 'Team size at most', fs.num(c.maxTeamSize), 'team-size');
  fact(dl, 'ch.rule.public', 'Test set scored publicly during the campaign', ch.accuracy(c.publicPercent / 100), 'public-share');
  fact(dl, 'ch.trainPhotos', 'Training photos', fs.num(c.trainPhotos), 'train-photos');
  fact(dl, 'ch.testObservations', 'Test observations', fs.num(c.testObservations), 'test-observations');
  fact(dl, 'ch.classes', 'Classes', fs.num(c.classes), 'classes');
  $('baseline-note').textContent = c.baselineNote || '';
  $('baseline-note').hidden = !c.baselineNote;
}

function showDownloads(signedIn) {
  $('downloads-signin').hidden = signedIn;
  $('downloads-signin-link').href = '/account?return=' + encodeURIComponent(location.pathname);
  $('downloads').hidden = !signedIn;
  for (const [id, file] of [['dl-train', 'train.zip'], ['dl-test', 'test.zip'], ['dl-classes', 'classes.csv']]) $(id).href = api + '/files/' + file;
}

function showTeam(c, signedIn) {
  $('team-panel').hidden = !signedIn;
  if (!signedIn) return;
  const invitations = c.myInvitations || [];
  $('invitations-box').hidden = invitations.length === 0;
  $('my-invitations').replaceChildren(...invitations.map(inv => {
    const li = fs.el('li', null, { 'data-invitation': String(inv.id) });
    li.append(fs.el('span', inv.team, { class: 'name' }));
    const accept = fs.el('button', fs.t('ch.accept', 'Accept'), { type: 'button', 'data-action': 'accept' });
    const decline = fs.el('button', fs.t('ch.decline', 'Decline'), { type: 'button', class: 'secondary', 'data-action': 'decline' });
    accept.addEventListener('click', () => answer(inv.id, 'accept'));
    decline.addEventListener('click', () => answer(inv.id, 'decline'));
    li.append(accept, decline);
    return li;
  }));
  const team = c.myTeam;
  $('create-team').hidden = !!team || c.phase === 'closed';
  $('my-team').hidden = !team;
  if (team) {
    $('team-name').textContent = team.name;
    $('team-members').textContent = team.members.map(m => '@' + m).join(', ');
    $('team-invited').textContent = team.invitations.length ? team.invitations.map(m => '@' + m).join(', ') : '—';
    $('runs-left').textContent = fs.f('ch.runsLeft', '{left} of {limit}', { left: fs.num(team.runsLeft), limit: fs.num(c.dailySubmissionLimit) });
    $('invite').hidden = c.phase === 'closed';
  }
  $('upload-panel').hidden = !team || c.phase !== 'open';
  $('runs-panel').hidden = !team;
}

async function answer(id, action) {
  const r = await fs.post(`${api}/invitations/${id}/${action}`);
  $('team-status').textContent = r.ok
    ? (action === 'accept' ? fs.t('ch.accepted', 'You joined the team.') : fs.t('ch.declined', 'Invitation declined.'))
    : ch.refusal(r);
  await load();
}

function scores(s) {
  if (!s) return '—';
  return fs.f('ch.scores', 'macro MRR {macro} · MRR {mrr} · top-1 {top1} · top-5 {top5}',
    { macro: ch.score(s.macroMrr), mrr: ch.score(s.mrr), top1: ch.accuracy(s.top1), top5: ch.accuracy(s.top5) });
}

async function showRuns() {
  if (!challenge || !challenge.myTeam) return;
  clearTimeout(pollTimer);
  const runs = await fs.json(api + '/runs');
  const table = $('runs');
  table.querySelector('tbody').replaceChildren(...runs.map(run => {
    const tr = fs.el('tr', null, { 'data-run': String(run.id), 'data-status': run.status });
    const status = fs.el('td', fs.t('ch.run.' + run.status, run.status) + (run.error ? ' — ' + run.error : ''), { 'data-status': run.status });
    const pub = fs.el('td', scores(run.public), { class: 'scores', 'data-board': 'public' });
    if (run.public) pub.dataset.macroMrr = String(run.public.macroMrr);
    tr.append(fs.el('td', fs.date(run.submittedUtc)), status, pub, fs.el('td', scores(run.private), { class: 'scores', 'data-board': 'private' }),
      fs.el('td', run.method, { class: 'method' }));
    return ch.labelCells(table, tr);
  }));
  const waiting = runs.some(run => run.status === 'queued' || run.status === 'scoring');
  document.body.dataset.runs = waiting ? 'waiting' : String(runs.length);
  if (waiting) pollTimer = setTimeout(() => poll(), pollMs);
}

// A run scored since the last look moves the leaderboard and the team's runs left.
async function poll() {
  try {
    await showRuns();
    if (document.body.dataset.runs !== 'waiting') await showBoard();
  } catch (e) { fs.fail(e); }
}

async function showBoard() {
  const closed = challenge.phase === 'closed';
  $('board-private').disabled = !closed;
  $('private-reason').hidden = closed;
  if (!closed) board = 'public';
  for (const [id, name] of [['board-public', 'public'], ['board-private', 'private']]) {
    $(id).setAttribute('aria-pressed', String(board === name));
    $(id).classList.toggle('secondary', board !== name);
  }
  const r = await fetch(`${api}/leaderboard?board=${board}`, { credentials: 'same-origin' });
  const body = await r.json();
  if (!r.ok) { $('status').textContent = body.message || String(r.status); return; }
  const table = $('board');
  const mine = challenge.myTeam ? challenge.myTeam.name : null;
  table.querySelector('tbody').replaceChildren(...body.entries.map(e => {
    const tr = fs.el('tr', null, { 'data-team': e.team, 'data-rank': String(e.rank), 'data-macro-mrr': String(e.macroMrr),
      'data-mrr': String(e.mrr), 'data-top1': String(e.top1), 'data-top5': String(e.top5) });
    if (e.team === mine) tr.classList.add('current');
    const team = fs.el('td', null, { class: 'name' });
    team.append(fs.el('span', e.team));
    if (e.isBaseline) team.append(' ', fs.el('span', fs.t('ch.baseline', 'baseline'), { class: 'badge baseline', 'data-baseline': 'true' }));
    tr.append(fs.el('td', fs.num(e.rank), { class: 'version' }), team, fs.el('td', ch.score(e.macroMrr), { 'data-score': 'macroMrr' }),
      fs.el('td', ch.score(e.mrr), { 'data-score': 'mrr' }), fs.el('td', ch.accuracy(e.top1), { 'data-score': 'top1' }),
      fs.el('td', ch.accuracy(e.top5), { 'data-score': 'top5' }), fs.el('td', fs.num(e.runs)), fs.el('td', fs.date(e.submittedUtc)),
      fs.el('td', e.method, { class: 'method' }));
    return ch.labelCells(table, tr);
  }));
  table.hidden = body.entries.length === 0;
  $('board-empty').hidden = body.entries.length > 0;
  document.body.dataset.board = body.board + ':' + body.entries.length;
}

async function load() {
  const r = await fetch(api, { credentials: 'same-origin' });
  const body = await r.json();
  if (!r.ok) { $('status').textContent = body.message || String(r.status); document.body.dataset.loaded = String(r.status); return; }
  challenge = body;
  const signedIn = 'myInvitations' in body;
  showFacts(body);
  showDownloads(signedIn);
  showTeam(body, signedIn);
  $('content').hidden = false;
  // Runs first: a run scored in between is then on the board too.
  await showRuns();
  await showBoard();
  document.body.dataset.loaded = body.phase;
}

$('create-team').addEventListener('submit', async ev => {
  ev.preventDefault();
  const r = await fs.post(api + '/teams', { name: ev.target.elements.name.value });
  $('team-status').textContent = r.ok ? fs.f('ch.team.created', 'Team {name} created.', { name: r.body.name }) : ch.refusal(r);
  if (r.ok) await load();
});

$('invite').addEventListener('submit', async ev => {
  ev.preventDefault();
  const input = ev.target.elements.userName;
  const r = await fs.post(api + '/team/invitations', { userName: input.value.trim() });
  $('team-status').textContent = r.ok ? fs.f('ch.invited', '@{user} is invited.', { user: r.body.userName }) : ch.refusal(r);
  if (r.ok) { input.value = ''; await load(); }
});

// The run's token travels in the header: the server checks it before reading the (large) body, and refuses a
// session's upload without it.
async function sendRun(file, method) {
  const tk = await fs.token();
  const data = new FormData();
  data.append('method', method);
  data.append('run', file);
  const res = await fetch(api + '/runs', { method: 'POST', body: data, headers: { [tk.headerName]: tk.token }, credentials: 'same-origin' });
  return { ok: res.ok, status: res.status, body: await res.json().catch(() => null) };
}

$('upload').addEventListener('submit', async ev => {
  ev.preventDefault();
  const form = ev.target;
  const button = form.querySelector('button');
  const file = form.elements.run.files[0];
  if (!file) return;
  button.disabled = true;
  $('upload-message').textContent = fs.t('ch.upload.sending', 'Sending and checking the run…');
  $('run-errors').hidden = true;
  try {
    const r = await sendRun(file, form.elements.method.value);
    const errors = (r.body && r.body.errors) || [];
    $('upload-message').textContent = r.status === 202
      ? fs.f('ch.upload.queued', 'The run is valid ({n} predictions): it is queued for scoring.', { n: fs.num(r.body.predictions) })
      : ch.refusal(r);
    $('run-errors').replaceChildren(...errors.map(e => fs.el('li',
      e.line > 0 ? fs.f('ch.upload.line', 'Line {line}: {reason}', { line: fs.num(e.line), reason: e.reason }) : e.reason,
      { 'data-line': String(e.line) })));
    $('run-errors').hidden = errors.length === 0;
    document.body.dataset.upload = String(r.status);
    if (r.status === 202) { form.reset(); await load(); }
  } catch (e) { fs.fail(e); } finally { button.disabled = false; }
});

for (const [id, name] of [['board-public', 'public'], ['board-private', 'private']]) {
  $(id).addEventListener('click', async () => {
    board = name;
    try { await showBoard(); } catch (e) { fs.fail(e); }
  });
}

await fs.ready;
try { await load(); } catch (e) { fs.fail(e); document.body.dataset.loaded = 'error'; }
