// "Help identify": one observation that needs votes at a time, in the flora the player chose; they
// propose a name (scientific, common in any language, or synonym: autocompleted, resolved by the
// server) or skip it. They score when the community's weighted vote later validates the name they
// proposed. The model's suggestion can be hidden so it does not anchor them (remembered on this device).
import { ready, t, f, el, day, num, percent, person, json, me, post, postWithHeader, autocomplete, fail, photoAlt, statusName, signedIn } from './shared.js';
import { florasReady } from './flora-choices.js';

const HIDE = 'help.hideSuggestion', PROJECT = 'help.project', BATCH = 5;
const $ = id => document.getElementById(id);
const status = $('status');
const thanks = $('thanks');
let queue = [], current = null, account = null, generation = 0;

async function fill() {
  const mine = ++generation;
  const q = new URLSearchParams({ project: $('project').value, count: String(BATCH) });
  if ($('hide').checked) q.set('hideSuggestion', 'true');
  const items = await json('/api/game/next?' + q);
  if (mine !== generation) return false;
  queue = items;
  return true;
}

async function next() {
  if (!queue.length && !(await fill())) return;
  current = queue.shift() || null;
  show(current);
}

// Flora or suggestion setting changed: what was fetched no longer fits.
async function restart() {
  queue = [];
  status.textContent = '';
  thanks.textContent = '';
  try { await next(); } catch (e) { fail(e); }
}

function show(item) {
  $('card').hidden = !item;
  $('empty').hidden = !!item;
  document.body.dataset.item = item ? String(item.id) : 'none';
  if (!item) { $('card').removeAttribute('data-id'); return; }
  $('card').dataset.id = String(item.id);
  // The plant is still to be named here: its photos never carry the model's or the community's guess.
  $('cardphotos').replaceChildren(...item.photos.map(p => {
    const a = el('a', null, { href: p.medium });
    a.append(el('img', null, { src: item.photos.length > 1 ? p.small : p.medium, alt: photoAlt(null, p.organ) }));
    return a;
  }));
  const meta = $('meta');
  meta.replaceChildren(el('span', statusName(item.status), { class: 'badge ' + item.status }), document.createTextNode(' '));
  const parts = [t('obs.seen', 'Seen on') + ' ' + day(item.observedUtc)];
  if (item.latitude !== null && item.longitude !== null) parts.push(f('help.near', 'near {lat}, {lon}', { lat: num(item.latitude, 2), lon: num(item.longitude, 2) }));
  parts.push(f('help.votes', '{n} name(s) proposed', { n: num(item.votes, 0) }));
  meta.append(document.createTextNode(parts.join(' · ')));

  const s = item.suggestion;
  const suggestion = $('suggestion');
  const lines = [];
  if (s && !$('hide').checked) {
    if (s.modelTaxonName) lines.push(f('help.modelsays', 'The model suggests {taxon} ({score})', { taxon: s.modelTaxonName, score: percent(s.modelScore || 0) }));
    // Only people's names make a community: with no proposal (or only "I don't know"), it leans to nothing.
    if (s.communityTaxonName && item.votes > 0) lines.push(f('help.community', 'The community leans to {taxon}', { taxon: s.communityTaxonName }));
  }
  if (item.votes === 0 && !$('hide').checked) lines.push(t('help.nobody', 'Nobody has named this plant yet.'));
  suggestion.textContent = lines.join(' · ');
  suggestion.hidden = lines.length === 0;
  suggestion.dataset.votes = String(item.votes);
  $('open').href = '/observations/' + item.id;
  $('name').value = '';
}

async function player() {
  const [mine, board] = await Promise.all([json('/api/game/me'), json('/api/game/leaderboard?count=10')]);
  const dl = $('mefacts');
  dl.replaceChildren();
  const add = (key, fallback, value, name) => dl.append(el('dt', t(key, fallback)), el('dd', value, { 'data-field': name }));
  add('help.expertise', 'Expertise (taxa proven)', num(mine.expertise, 0), 'expertise');
  add('help.weight', 'Weight of my vote', num(mine.weight), 'weight');
  add('help.score', 'Score', num(mine.score, 0), 'score');
  add('help.pending', 'Proposals waiting for the community', f('help.pendingof', '{pending} of {proposals}', { pending: num(mine.pending, 0), proposals: num(mine.proposals, 0) }), 'pending');
  $('alone').hidden = !mine.canValidateAlone;
  $('board').replaceChildren(...board.map(e => {
    const li = el('li', null, { class: e.userId === mine.userId ? 'me' : '', 'data-user': String(e.userId) });
    li.append(el('span', person(e.name, e.userName), { class: 'name' }), document.createTextNode(' — '),
      el('span', f('help.points', '{score} point(s)', { score: num(e.score, 0) }), { class: 'points', 'data-score': String(e.score) }),
      el('span', ' · ' + f('help.proposals', '{n} proposal(s)', { n: num(e.proposals, 0) }), { class: 'detail', 'data-proposals': String(e.proposals) }),
      el('span', ' · ' + f('help.n', 'expertise {n}', { n: num(e.expertise, 0) }), { class: 'detail' }));
    return li;
  }));
  $('noboard').hidden = board.length !== 0;
}

$('propose').addEventListener('submit', async e => {
  e.preventDefault();
  if (!current) return;
  const name = $('name').value.trim();
  if (!name) return;
  const send = $('send');
  // One proposal per tap: a double tap does not send it twice.
  if (send.disabled) return;
  send.disabled = true;
  try {
    const r = await post('/api/observations/' + current.id + '/identifications', { taxon: name });
    if (!r.ok) {
      thanks.textContent = r.body && r.body.message ? r.body.message : String(r.status);
      thanks.dataset.kind = 'error';
      thanks.scrollIntoView({ block: 'nearest' });
      return;
    }
    const mine = r.body.identifications.filter(i => i.isCurrent && i.userId === account.id).map(i => i.taxonName)[0] || name;
    thanks.textContent = f('help.thanks', 'Thank you: {taxon} is counted. You score when the community agrees.', { taxon: mine });
    thanks.dataset.kind = 'thanks';
    document.body.dataset.proposed = String(current.id);
    document.body.dataset.proposedTaxon = mine;
    await Promise.all([next(), player()]);
    // The thanks sits under the card, next to where the player tapped: brought into view.
    thanks.scrollIntoView({ block: 'nearest' });
  } catch (err) { fail(err); } finally { send.disabled = false; }
});

$('skip').addEventListener('click', async () => {
  if (!current) return;
  const r = await postWithHeader('/api/game/skip/' + current.id);
  if (!r.ok) { status.textContent = r.body ? r.body.message : String(r.status); return; }
  status.textContent = '';
  thanks.textContent = '';
  document.body.dataset.skipped = String(current.id);
  try { await next(); } catch (e) { fail(e); }
});

await ready;
// The session hint answers at once (and offline); the server confirms the account.
if (!signedIn()) {
  $('signin').hidden = false;
  document.body.dataset.loaded = 'signed-out';
} else {
  try {
    account = await me();
    if (!account) {
      $('signin').hidden = false;
      document.body.dataset.loaded = 'signed-out';
    } else {
      await florasReady;
      const stored = localStorage.getItem(PROJECT);
      if (stored && [...$('project').options].some(o => o.value === stored)) $('project').value = stored;
      $('hide').checked = localStorage.getItem(HIDE) === '1';
      $('settings').addEventListener('submit', e => e.preventDefault());
      $('project').addEventListener('change', () => { localStorage.setItem(PROJECT, $('project').value); restart(); });
      $('hide').addEventListener('change', () => { localStorage.setItem(HIDE, $('hide').checked ? '1' : '0'); restart(); });
      autocomplete($('name'), $('names'), () => $('project').value);
      $('game').hidden = false;
      await Promise.all([next(), player()]);
      document.body.dataset.loaded = 'true';
    }
  } catch (e) { fail(e); }
}
