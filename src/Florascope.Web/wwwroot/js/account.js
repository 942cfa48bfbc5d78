// Sign-in, sign-up and sign-out; signed in: my figures, my observations, my identifications, my API
// keys and sessions. Every post carries the anti-forgery token of the session.
import { ready, t, f, el, date, person, row, me as account, json, token, sameOriginUrl, photoAlt, statusName } from './shared.js';
import { statsFacts } from './profile-stats.js';

const $ = id => document.getElementById(id);
const me = $('me');
const PAGE = 10;

async function refresh() {
  const who = await account();
  const signedIn = who !== null;
  me.textContent = signedIn ? f('account.signedinas', 'Signed in as {name}.', { name: person(who.displayName, who.userName) }) : '';
  for (const x of ['signin', 'signup']) $(x).hidden = signedIn;
  for (const x of ['signout', 'signouteverywhere', 'keys', 'sessions', 'mystats', 'myobs', 'myids']) $(x).hidden = !signedIn;
  if (signedIn) {
    const deleted = new URLSearchParams(location.search).get('deleted');
    if (deleted && /^\d+$/.test(deleted)) me.textContent = f('account.deleted', 'Observation {id} is deleted.', { id: deleted });
    // One list failing (offline...) leaves the others and the forms working.
    await Promise.allSettled([listKeys(), listSessions(), showStats(who), observations.reset(who.id), identifications.reset(who.id)]);
    document.body.dataset.signedIn = who.userName;
  } else delete document.body.dataset.signedIn;
}

// Where the browser was before signing in; only a URL of this site (never an open redirect).
function returnUrl() { return sameOriginUrl(new URLSearchParams(location.search).get('return')); }

async function showStats(who) {
  $('profilelink').href = '/users/' + who.id;
  try { $('stats').replaceChildren(...statsFacts(await json('/api/users/' + who.id))); } catch { /* the lists still show */ }
}

/** A list read a page at a time ("More" asks the next one; it goes when a page comes back short). */
function pagedList(list, more, empty, url, item) {
  let page = 0, user = 0;
  async function next() {
    more.disabled = true;
    try {
      const rows = await json(url(user, ++page));
      list.append(...rows.map(item));
      more.hidden = rows.length < PAGE;
      empty.hidden = list.children.length > 0;
      list.dataset.count = String(list.children.length);
    } finally { more.disabled = false; }
  }
  more.addEventListener('click', next);
  return { reset: async id => { user = id; page = 0; list.replaceChildren(); await next(); } };
}

const observations = pagedList($('obslist'), $('moreobs'), $('noobs'),
  (user, page) => '/api/observations?user=' + user + '&pageSize=' + PAGE + '&page=' + page, row);

// One of my identifications: the observation (the community's name), mine ("I don't know" as such), and whether they agree.
function identified(i) {
  const li = el('li', null, { 'data-observation': String(i.observationId) });
  if (i.thumbnail) li.append(el('img', null, { src: i.thumbnail, alt: photoAlt(i.taxonName, null) }));
  li.append(el('a', i.taxonName || t('obs.unidentified', 'Unidentified plant'), { href: '/observations/' + i.observationId }),
    el('span', date(i.identifiedUtc)),
    el('span', statusName(i.status), { class: 'badge ' + i.status, 'data-status': i.status }));
  const agreement = !i.myTaxonName || !i.taxonName ? 'undecided' : i.agrees ? 'agrees' : 'differs';
  li.append(el('span', { agrees: t('account.agrees', 'The community agrees'), differs: t('account.differs', 'The community names another taxon'),
    undecided: t('account.undecided', 'Not decided') }[agreement], { class: 'badge ' + agreement, 'data-agreement': agreement }));
  li.append(el('span', f('account.mytaxon', 'My name: {taxon}', { taxon: i.myTaxonName || t('obs.dontknow', "I don't know") }),
    { class: 'mine-taxon' + (i.myTaxonName ? '' : ' dontknow') }));
  return li;
}
const identifications = pagedList($('idlist'), $('moreids'), $('noids'),
  (user, page) => '/api/account/identifications?pageSize=' + PAGE + '&page=' + page, identified);

async function listSessions() {
  const sessions = await json('/api/account/sessions');
  $('sessionlist').replaceChildren(...sessions.map(s => {
    const li = el('li');
    li.append(el('strong', s.userAgent || t('account.unknownbrowser', 'Unknown browser')),
      el('span', f('account.lastseen', 'last seen {date}', { date: date(s.lastSeenUtc) })));
    if (s.isThisSession) li.append(el('span', t('account.thissession', 'this session'), { class: 'score' }));
    return li;
  }));
}

// The profile's API keys: a new key is shown once, here; revoking asks first, then sends the header token.
async function listKeys() {
  const keys = await json('/api/account/keys');
  $('keylist').replaceChildren(...keys.map(k => {
    const li = el('li');
    li.append(el('strong', k.name), el('span', k.prefix + '… · ' + k.usedToday + '/' + k.dailyQuota + (k.revoked ? ' · ' + t('account.revoked', 'revoked') : '')));
    // Shown, not changed here: administrators allow surveys (/admin/keys).
    li.append(el('span', k.allowSurvey ? t('account.surveysAllowed', 'Surveys: allowed') : t('account.surveysNotAllowed', 'Surveys: not allowed'),
      { class: 'key-survey', 'data-survey': String(k.allowSurvey) }));
    if (!k.revoked) {
      const b = el('button', t('account.revoke', 'Revoke'), { type: 'button', class: 'score' });
      b.addEventListener('click', async () => {
        // Programs using the key stop working at once: asked first.
        if (!confirm(f('account.revokeconfirm', 'Revoke the key "{name}"? Programs using it will stop working.', { name: k.name }))) return;
        const tk = await token();
        await fetch('/api/account/keys/' + k.id, { method: 'DELETE', headers: { [tk.headerName]: tk.token }, credentials: 'same-origin' });
        listKeys();
      });
      li.append(b);
    }
    return li;
  }));
}

$('newkey').addEventListener('submit', async e => {
  e.preventDefault();
  const tk = await token();
  const form = new FormData(e.target);
  form.append(tk.formFieldName, tk.token);
  const r = await fetch('/api/account/keys', { method: 'POST', body: form, credentials: 'same-origin' });
  const body = await r.json();
  const secret = $('secret');
  secret.hidden = false;
  if (!r.ok) { secret.textContent = body.message; return; }
  // The key in its own element (wrapped anywhere: a long key must not widen a phone's page) and a button to copy it.
  const copy = el('button', t('account.copy', 'Copy'), { type: 'button', id: 'copykey' });
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(body.secret);
      copy.textContent = t('account.copied', 'Copied');
    } catch { copy.textContent = t('account.copyfailed', 'Select the key to copy it'); }
  });
  secret.replaceChildren(t('account.newsecret', 'Your new key (shown only now):') + ' ', el('code', body.secret, { class: 'secret' }), ' ', copy);
  secret.dataset.key = body.secret;
  e.target.reset();
  listKeys();
});

for (const [id, url] of [['signin', '/api/account/signin'], ['signup', '/api/account/signup'], ['signout', '/api/account/signout'],
  ['signouteverywhere', '/api/account/signout-everywhere']]) {
  $(id).addEventListener('submit', async e => {
    e.preventDefault();
    const tk = await token();
    const form = new FormData(e.target);
    form.append(tk.formFieldName, tk.token);
    const r = await fetch(url, { method: 'POST', body: form, credentials: 'same-origin' });
    if (!r.ok && r.status !== 204) {
      const body = await r.json().catch(() => null);
      me.textContent = r.status === 429 ? t('account.throttled', 'Too many failed sign-ins: try again later.') : (body ? body.message : String(r.status));
      return;
    }
    const back = id === 'signin' || id === 'signup' ? returnUrl() : null;
    if (back) { location.assign(back); return; }
    await refresh();
    if (id === 'signouteverywhere') me.textContent = t('account.endedeverywhere', 'All your sessions are ended.');
  });
}

await ready;
// The user-name rule, before the form is sent: stated under the field and as the browser's own hint.
$('username').title = $('username-rule').textContent;
await refresh();
