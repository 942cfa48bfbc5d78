// One observation: where it stands in plain words (and "Agree" in one tap), its photos (with the
// community's votes on each), facts, every vote and the rule behind "Details", and its identifications.
// Signed in, anyone may propose a name and vote on the photos; its author edits or deletes it here.
// The page redraws from each answer.
import { ready, t, f, el, date, num, organName, statusName, person, me as account, json, post, postWithHeader, autocomplete, fail, photoAlt, minimap } from './shared.js';

const id = location.pathname.split('/').pop();
const ORGANS = ['leaf', 'flower', 'fruit', 'bark', 'habit', 'other'];
const FLAGS = ['not-a-plant', 'poor-quality', 'duplicate'];
const $ = x => document.getElementById(x);
const status = $('status');
// The author's panel says its own outcome beside its controls (the page's status line is screens away on a phone).
const mineStatus = $('mine-status');
let me = null;
let map = null;
let mapAt = null;
let shown = null;

const aspectText = a => t('aspect.' + a, { organ: 'Organ', 'not-a-plant': 'Not a plant', 'poor-quality': 'Poor quality', duplicate: 'Duplicate' }[a] || a);
const valueText = (aspect, v) => (aspect === 'organ' ? organName(v) : t('vote.' + v, v === 'yes' ? 'yes' : 'no'));
const message = r => (r.body && r.body.message ? r.body.message : String(r.status));

function render(o) {
  shown = o;
  document.querySelector('h1').textContent = o.taxonName || t('obs.unidentified', 'Unidentified plant');
  document.title = 'Florascope · ' + (o.taxonName || t('obs.title', 'Observation'));
  renderRevision(o);
  renderStanding(o);
  renderPhotos(o);
  renderFacts(o);
  // A plot survey's photo shows several plants: said here, since it never trains the model (the server's rule).
  $('plot-note').hidden = !o.fromPlot;
  renderMine(o);
  renderWhy(o.revision);
  $('ids').replaceChildren(...o.identifications.map(i => {
    const li = el('li', null, { class: (i.isCurrent ? 'current' : 'past') + (i.taxonName ? '' : ' dontknow') });
    // "I don't know" is an answer, never a taxon: shown as such, not in italics.
    li.append(i.taxonName ? el('strong', i.taxonName) : el('span', t('obs.dontknow', "I don't know"), { class: 'dontknow-label' }),
      el('span', person(i.displayName, i.userName)),
      el('span', date(i.createdUtc) + (i.isCurrent ? '' : ' ' + t('obs.replaced', '(replaced)')), { class: 'score' }));
    return li;
  }));
  // Drawn once, and again (the old map removed) when the author moves the place.
  const at = o.latitude === null ? null : o.latitude + ',' + o.longitude;
  if (at !== mapAt) {
    mapAt = at;
    const previous = map;
    map = (async () => {
      const old = await previous;
      if (old) old.remove();
      return at === null ? null : minimap([[o.latitude, o.longitude]]);
    })();
  }
  document.body.dataset.status = o.revision.status;
}

// The badge (valid / needs more votes / disputed) and the current taxon.
function renderRevision(o) {
  const r = o.revision;
  const badge = $('badge');
  badge.textContent = statusName(r.status);
  badge.className = 'badge ' + r.status;
  badge.dataset.status = r.status;
  $('current').textContent = r.taxonName ? t('obs.current', 'Current taxon:') + ' ' + r.taxonName : t('obs.nocurrent', 'No taxon yet');
  $('revision').hidden = false;
}

// Where the vote stands, in words first (Revision/VoteStanding on the server), and the one-tap "Agree".
function renderStanding(o) {
  // An answer without it (a server before it, a cached copy) reads as nothing known: no numbers shown.
  const s = o.revision.standing || { kind: 'no-votes', taxon: null, other: null, moreVotes: -1, moreExperiencedVotes: -1 };
  const text = {
    valid: () => f('standing.valid', 'Valid: the community agrees on {taxon}.', { taxon: s.taxon }),
    'needs-agreement': () => f('standing.needs', 'Proposed: {taxon}. It needs more agreeing votes to be valid.', { taxon: s.taxon }),
    split: () => f('standing.split', 'The community is split between {taxon} and {other}.', { taxon: s.taxon, other: s.other }),
  }[s.kind];
  $('standing-text').textContent = text ? text() : t('standing.none', 'Nobody has named this plant yet.');
  $('standing').dataset.kind = s.kind;
  const needed = $('needed');
  needed.hidden = s.kind === 'valid' || s.moreVotes < 1;
  const values = { taxon: s.taxon, n: num(s.moreVotes), m: num(s.moreExperiencedVotes) };
  needed.textContent = !s.taxon
    ? f('standing.neededany', 'Agreeing votes needed to validate a name: {n}, or {m} from experienced identifiers.', values)
    : s.moreExperiencedVotes > 0 && s.moreExperiencedVotes < s.moreVotes
      ? f('standing.neededexpert', 'Agreeing votes still needed for {taxon}: {n}, or {m} from experienced identifiers.', values)
      : f('standing.needed', 'Agreeing votes still needed for {taxon}: {n}.', values);
  needed.dataset.more = String(s.moreVotes);
  needed.dataset.moreExperienced = String(s.moreExperiencedVotes);

  const taxon = o.revision.taxonName;
  const mine = me ? o.identifications.find(i => i.isCurrent && i.userId === me.id) : null;
  const agrees = !!(taxon && mine && mine.taxonName === taxon);
  const button = $('agree');
  // The author whose own name is the current one has nothing to agree with; anyone else who already agrees sees it done.
  button.hidden = !me || !taxon || agrees;
  button.disabled = false;
  button.textContent = f('standing.agree', 'Agree: {taxon}', { taxon: taxon || '' });
  button.dataset.taxon = taxon || '';
  const done = $('agreed');
  done.hidden = !(agrees && me.id !== o.authorId);
  done.textContent = f('standing.agreed', '✓ You agree with {taxon}.', { taxon: taxon || '' });
  $('standing').hidden = false;
}

function renderPhotos(o) {
  $('photos').replaceChildren(...o.photos.map(p => {
    const card = el('figure', null, { class: 'photo-card' + (p.excludedBecause ? ' excluded' : ''), 'data-photo': String(p.id) });
    const a = el('a', null, { href: p.url });
    a.append(el('img', null, { src: p.medium, alt: photoAlt(o.taxonName, p.votedOrgan || p.organ) }));
    card.append(a);
    const badges = el('p', null, { class: 'badges' });
    badges.append(el('span', t('photo.organ', 'Organ:') + ' ' + organName(p.votedOrgan || p.organ)
      + (p.votedOrgan ? ' ' + t('photo.voted', '(voted)') : ''), { class: 'badge organ' + (p.votedOrgan ? ' voted' : '') }));
    if (p.excludedBecause)
      badges.append(el('span', t('photo.excluded', 'Excluded:') + ' ' + aspectText(p.excludedBecause), { class: 'badge excluded', 'data-excluded': p.excludedBecause }));
    card.append(badges);
    if (p.votes.length) {
      const tallies = el('ul', null, { class: 'tallies' });
      for (const v of p.votes) {
        tallies.append(el('li', f('photo.tally', '{aspect}: {value} · {count} vote(s), weight {weight}',
          { aspect: aspectText(v.aspect), value: valueText(v.aspect, v.value), count: v.count, weight: num(v.weight) }),
        { 'data-aspect': v.aspect, 'data-value': v.value }));
      }
      card.append(tallies);
    }
    if (me) card.append(voteControls(p));
    return card;
  }));
}

// This person's votes in this visit ("photoId:aspect" -> value): the controls keep showing them after
// the page is drawn again from the answer, instead of falling back to the community's choice.
const myVotes = new Map();

// Small controls: the organ shown, and yes / no on each flag.
function voteControls(p) {
  const box = el('div', null, { class: 'photo-votes' });
  const organRow = el('div', null, { class: 'vote-row' });
  const select = el('select', null, { 'aria-label': t('photo.whichorgan', 'Organ shown'), class: 'organ-select' });
  const mineOrgan = myVotes.get(p.id + ':organ');
  const known = mineOrgan || (ORGANS.includes(p.votedOrgan || p.organ) ? p.votedOrgan || p.organ : '');
  const placeholder = new Option(t('photo.whichorgan', 'Organ shown') + '…', '', false, known === '');
  placeholder.disabled = true;
  select.add(placeholder);
  for (const o of ORGANS) select.add(new Option(organName(o), o, false, o === known));
  const organButton = el('button', t('photo.voteorgan', 'Vote organ'), { type: 'button', class: 'vote-organ' });
  organButton.addEventListener('click', () => { if (select.value) vote(p.id, 'organ', select.value); });
  organRow.append(select, organButton);
  box.append(organRow);
  for (const flag of FLAGS) {
    const row = el('div', null, { class: 'vote-row', 'data-flag': flag });
    row.append(el('span', f('photo.flag', '{flag}?', { flag: aspectText(flag) }), { class: 'flag-name' }));
    for (const value of ['yes', 'no']) {
      const b = el('button', t('vote.' + value, value), { type: 'button', class: 'vote-flag', 'data-value': value,
        'aria-label': aspectText(flag) + ': ' + t('vote.' + value, value), 'aria-pressed': String(myVotes.get(p.id + ':' + flag) === value) });
      b.addEventListener('click', () => vote(p.id, flag, value));
      row.append(b);
    }
    box.append(row);
  }
  // The thanks (or the refusal) appears by the controls that were used, not elsewhere on the page.
  box.append(el('p', null, { class: 'vote-thanks', 'data-photo': String(p.id) }));
  return box;
}

async function vote(photoId, aspect, value) {
  status.textContent = '';
  const r = await post('/api/photos/' + photoId + '/votes', { aspect, value });
  const near = () => document.querySelector('.vote-thanks[data-photo="' + photoId + '"]');
  if (!r.ok) {
    status.textContent = message(r);
    if (near()) { near().textContent = message(r); near().scrollIntoView({ block: 'nearest' }); }
    return;
  }
  myVotes.set(photoId + ':' + aspect, value);
  render(r.body);
  status.textContent = t('photo.thanks', 'Thank you: your vote is counted.');
  if (near()) { near().textContent = status.textContent; near().scrollIntoView({ block: 'nearest' }); }
  document.body.dataset.voted = String(Number(document.body.dataset.voted || 0) + 1);
}

// The observer's wall-clock time and its offset ("30/03/2026 14:00:00 (local time, UTC+05:30)"), whatever this device's zone.
function localTime(iso, offset) {
  const wall = new Intl.DateTimeFormat(document.documentElement.lang, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' })
    .format(new Date(new Date(iso).getTime() + offset * 60000));
  const a = Math.abs(offset), zone = (offset < 0 ? '-' : '+') + String(Math.floor(a / 60)).padStart(2, '0') + ':' + String(a % 60).padStart(2, '0');
  return f('obs.localtime', '{time} (local time, UTC{offset})', { time: wall, offset: zone });
}

function renderFacts(o) {
  const facts = $('facts');
  facts.replaceChildren();
  const add = (k, v) => { if (v !== null && v !== undefined && v !== '') facts.append(el('dt', k), el('dd', v)); };
  add(t('obs.seen', 'Seen on'), o.observedOffsetMinutes === null || o.observedOffsetMinutes === undefined ? date(o.observedUtc) : localTime(o.observedUtc, o.observedOffsetMinutes));
  const by = el('dd');
  by.append(el('a', person(o.authorName, o.authorUserName), { href: '/users/' + o.authorId }));
  facts.append(el('dt', t('obs.by', 'By')), by);
  if (o.latitude !== null) add(t('obs.place', 'Place'), num(o.latitude, 5) + ', ' + num(o.longitude, 5) + (o.uncertaintyMeters ? ' (± ' + num(o.uncertaintyMeters, 0) + ' m)' : ''));
  // Geoprivacy: what this position is, and what the public sees.
  if (!o.exactPosition && o.publicPosition === 'obscured') add(t('geo.title', 'Place'), t('geo.isobscured', 'Obscured: the plant is somewhere in this area.'));
  else if (!o.exactPosition && o.publicPosition === 'hidden') add(t('geo.title', 'Place'), t('geo.ishidden', 'Hidden by its author.'));
  else if (o.publicPosition !== 'exact') add(t('geo.title', 'Place'), o.publicPosition === 'hidden'
    ? t('geo.youhidden', 'Only you and administrators see this place; others see none.')
    : t('geo.youobscured', 'Only you and administrators see this exact place; others see a point of its area.'));
  add(t('obs.notes', 'Notes'), o.notes);
  add(t('obs.license', 'Licence'), o.license.toUpperCase());
  if (o.taxonName) {
    const dd = el('dd');
    dd.append(el('a', o.taxonName, { href: '/taxa/' + encodeURIComponent(o.taxonName) }));
    facts.append(el('dt', t('obs.taxon', 'Taxon')), dd);
  }
}

// "YYYY-MM-DDTHH:mm" for <input type=datetime-local>: the observer's wall clock when its offset is known, else this device's.
const pad = n => String(n).padStart(2, '0');
function wallClock(iso, offset) {
  const d = new Date(iso);
  if (offset === null || offset === undefined) return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + 'T' + pad(d.getHours()) + ':' + pad(d.getMinutes());
  return new Date(d.getTime() + offset * 60000).toISOString().slice(0, 16);
}
function fromWallClock(value, offset) {
  return offset === null || offset === undefined ? new Date(value) : new Date(Date.parse(value + ':00Z') - offset * 60000);
}

let initial = {};
// The author's own panel: edit (only what changed is sent) and delete. Administrators may too (the server's rule).
function renderMine(o) {
  const mayEdit = !!(me && (me.id === o.authorId || me.isAdmin));
  $('mine').hidden = !mayEdit;
  if (!mayEdit) return;
  initial = {
    observed: wallClock(o.observedUtc, o.observedOffsetMinutes),
    latitude: o.latitude === null ? '' : String(o.latitude),
    longitude: o.longitude === null ? '' : String(o.longitude),
    uncertainty: o.uncertaintyMeters === null || o.uncertaintyMeters === undefined ? '' : String(o.uncertaintyMeters),
    geoprivacy: o.geoprivacy,
    notes: o.notes || '',
    license: o.license,
  };
  for (const [k, v] of Object.entries(initial)) $(k === 'geoprivacy' ? 'geoprivacy' : 'edit-' + k).value = v;
}

$('edit').addEventListener('submit', async e => {
  e.preventDefault();
  const o = shown;
  const fields = {};
  const value = k => $(k === 'geoprivacy' ? 'geoprivacy' : 'edit-' + k).value;
  for (const k of Object.keys(initial)) {
    if (value(k) === initial[k]) continue;
    if (k === 'observed') {
      const when = fromWallClock(value(k), o.observedOffsetMinutes);
      if (Number.isNaN(when.getTime())) { mineStatus.textContent = t('obsedit.baddate', 'Give the date and time the plant was seen.'); return; }
      fields.observedUtc = when.toISOString();
    } else if (k === 'latitude' || k === 'longitude' || k === 'uncertainty') {
      // Typed with a decimal comma or point; the server reads a point.
      fields[k] = value(k).trim().replace(',', '.');
    } else fields[k] = value(k);
  }
  if (!Object.keys(fields).length) { mineStatus.textContent = t('obsedit.nochange', 'Nothing to save: nothing was changed.'); return; }
  const button = e.target.querySelector('button[type=submit]');
  button.disabled = true;
  try {
    const r = await post('/api/observations/' + encodeURIComponent(id) + '/edit', fields);
    if (!r.ok) { mineStatus.textContent = message(r); return; }
    render(r.body);
    $('editbox').open = false;
    mineStatus.textContent = 'geoprivacy' in fields && Object.keys(fields).length === 1
      ? t('geo.saved', 'Saved: who sees the place is changed.')
      : t('obsedit.saved', 'Saved: your changes are in.');
    document.body.dataset.edited = String(Number(document.body.dataset.edited || 0) + 1);
  } finally { button.disabled = false; }
});

// Deleting asks first, in the page (a second, explicit tap).
$('delete').addEventListener('click', () => {
  $('confirm').hidden = false;
  $('delete').hidden = true;
  $('confirm-yes').focus();
});
$('confirm-no').addEventListener('click', () => {
  $('confirm').hidden = true;
  $('delete').hidden = false;
  $('delete').focus();
});
$('confirm-yes').addEventListener('click', async () => {
  $('confirm-yes').disabled = true;
  const r = await postWithHeader('/api/observations/' + encodeURIComponent(id), 'DELETE');
  $('confirm-yes').disabled = false;
  if (!r.ok) { mineStatus.textContent = message(r); return; }
  location.assign('/account?deleted=' + encodeURIComponent(id));
});

// Why: the votes counted and their weights, the model's vote or why it did not count, and the rule in numbers.
function renderWhy(r) {
  const rows = r.votes.map(v => {
    const model = v.userId === null;
    const tr = el('tr', null, { class: (v.agrees ? 'agrees' : 'disagrees') + (model ? ' model' : '') });
    tr.append(
      el('td', model ? t('why.model', 'Model') : person(v.displayName, v.userName), model && r.modelVersion ? { title: r.modelVersion } : {}),
      el('td', v.taxonName, { class: 'taxon' }),
      el('td', model ? '—' : num(v.expertise)),
      el('td', num(v.weight)),
      el('td', v.agrees ? t('why.yes', 'yes') : t('why.no', 'no')));
    return tr;
  });
  document.querySelector('#votes tbody').replaceChildren(...rows);
  $('votes').hidden = rows.length === 0;
  $('novotes').hidden = rows.length !== 0;

  const modelLine = $('model');
  if (!r.modelTaxonName) modelLine.textContent = t('why.nomodel', 'The model made no suggestion for these photos.');
  else if ((r.modelScore ?? 0) >= r.modelMinScore) {
    const w = r.votes.find(v => v.userId === null);
    modelLine.textContent = f('why.modelvotes', 'The model suggests {taxon} with score {score} ≥ {min}: it votes, with weight {weight}.',
      { taxon: r.modelTaxonName, score: num(r.modelScore, 3), min: num(r.modelMinScore), weight: w ? num(w.weight) : '—' });
  } else {
    modelLine.textContent = f('why.modelsilent', 'The model suggests {taxon} with score {score} < {min}: too unsure, its vote does not count.',
      { taxon: r.modelTaxonName, score: num(r.modelScore ?? 0, 3), min: num(r.modelMinScore) });
  }

  const confOk = r.confidence > r.thetaConfidence, accOk = r.accuracy > r.thetaAccuracy;
  $('rule').textContent = f('why.rule', 'Confidence {confidence} {cop} {thetaConfidence} and accuracy {accuracy} {aop} {thetaAccuracy}: {status}',
    { confidence: num(r.confidence), cop: confOk ? '>' : '≤', thetaConfidence: num(r.thetaConfidence),
      accuracy: num(r.accuracy), aop: accOk ? '>' : '≤', thetaAccuracy: num(r.thetaAccuracy), status: statusName(r.status).toLowerCase() });
  $('verdict').textContent = r.status === 'valid'
    ? f('why.isvalid', 'The weighted vote validates {taxon}.', { taxon: r.taxonName })
    : r.status === 'disputed'
      ? t('why.isdisputed', 'The votes name different taxa and none weighs enough yet: more votes will settle it.')
      : t('why.needsvotes', 'The votes agree but do not weigh enough yet: more votes are needed.');
  $('why').hidden = false;
}

async function identify(taxon, button) {
  button.disabled = true;
  try {
    const r = await post('/api/observations/' + encodeURIComponent(id) + '/identifications', { taxon });
    if (!r.ok) { status.textContent = message(r); return false; }
    status.textContent = t('obs.proposed', 'Thank you: your name is counted.');
    render(r.body);
    return true;
  } finally { button.disabled = false; }
}

$('identify').addEventListener('submit', async e => {
  e.preventDefault();
  const input = $('taxon');
  if (await identify(input.value.trim(), e.target.querySelector('button[type=submit]'))) input.value = '';
});

// One tap: an identification of the current taxon (disabled while it is sent: a double tap sends one).
$('agree').addEventListener('click', async () => {
  const button = $('agree');
  if (button.disabled || !button.dataset.taxon) return;
  if (await identify(button.dataset.taxon, button)) document.body.dataset.agreed = button.dataset.taxon;
});

await ready;
try {
  const [o, who] = await Promise.all([json('/api/observations/' + encodeURIComponent(id)), account().catch(() => null)]);
  me = who;
  $('identify').hidden = !me;
  $('signin').hidden = !!me;
  $('signinlink').href = '/account?return=' + encodeURIComponent(location.pathname);
  if (me) autocomplete($('taxon'), $('names'));
  render(o);
  document.body.dataset.loaded = 'true';
} catch (e) { fail(e); }
