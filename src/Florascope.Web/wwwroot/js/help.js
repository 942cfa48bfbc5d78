// "Help identify": one observation that needs votes at a time, in the flora the player chose; they
// propose a name (autocompleted from the checklist) or skip it. They score when the community's
// weighted vote later validates the name they proposed. The model's suggestion can be hidden so
// it does not anchor them (remembered on this device).
(async function () {
  'use strict';
  const HIDE = 'help.hideSuggestion', PROJECT = 'help.project', BATCH = 5;
  const $ = id => document.getElementById(id);
  const status = $('status');
  let queue = [], current = null, account = null, generation = 0;

  const statusText = s => fs.t('status.' + s, { valid: 'Valid', 'needs-votes': 'Needs more votes', disputed: 'Disputed' }[s] || s);

  async function fill() {
    const mine = ++generation;
    const q = new URLSearchParams({ project: $('project').value, count: String(BATCH) });
    if ($('hide').checked) q.set('hideSuggestion', 'true');
    const items = await fs.json('/api/game/next?' + q);
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
    try { await next(); } catch (e) { fs.fail(e); }
  }

  function show(item) {
    $('card').hidden = !item;
    $('empty').hidden = !!item;
    document.body.dataset.item = item ? String(item.id) : 'none';
    if (!item) { $('card').removeAttribute('data-id'); return; }
    $('card').dataset.id = String(item.id);
    $('cardphotos').replaceChildren(...item.photos.map(p => {
      const a = fs.el('a', null, { href: p.medium });
      a.append(fs.el('img', null, { src: item.photos.length > 1 ? p.small : p.medium, alt: window.i18n.photoAlt(null, p.organ) }));
      return a;
    }));
    const meta = $('meta');
    meta.replaceChildren(fs.el('span', statusText(item.status), { class: 'badge ' + item.status }), document.createTextNode(' '));
    const parts = [fs.t('obs.seen', 'Seen on') + ' ' + new Date(item.observedUtc).toLocaleDateString()];
    if (item.latitude !== null && item.longitude !== null) parts.push(fs.f('help.near', 'near {lat}, {lon}', { lat: item.latitude.toFixed(2), lon: item.longitude.toFixed(2) }));
    parts.push(fs.f('help.votes', '{n} name(s) proposed', { n: item.votes }));
    meta.append(document.createTextNode(parts.join(' · ')));

    const s = item.suggestion;
    const suggestion = $('suggestion');
    const lines = [];
    if (s && !$('hide').checked) {
      if (s.modelTaxonName) lines.push(fs.f('help.model', 'The model suggests {taxon} ({score} %)', { taxon: s.modelTaxonName, score: Math.round((s.modelScore || 0) * 100) }));
      if (s.communityTaxonName) lines.push(fs.f('help.community', 'The community leans to {taxon}', { taxon: s.communityTaxonName }));
    }
    suggestion.textContent = lines.join(' · ');
    suggestion.hidden = lines.length === 0;
    $('open').href = '/observations/' + item.id;
    $('name').value = '';
  }

  async function player() {
    const [me, board] = await Promise.all([fs.json('/api/game/me'), fs.json('/api/game/leaderboard?count=10')]);
    const dl = $('mefacts');
    dl.replaceChildren();
    const add = (key, fallback, value, name) => dl.append(fs.el('dt', fs.t(key, fallback)), fs.el('dd', value, { 'data-field': name }));
    add('help.expertise', 'Expertise (taxa proven)', String(me.expertise), 'expertise');
    add('help.weight', 'Weight of my vote', fs.num(me.weight), 'weight');
    add('help.score', 'Score', String(me.score), 'score');
    add('help.pending', 'Proposals waiting for the community', fs.f('help.pendingof', '{pending} of {proposals}', { pending: me.pending, proposals: me.proposals }), 'pending');
    $('alone').hidden = !me.canValidateAlone;
    $('board').replaceChildren(...board.map(e => {
      const li = fs.el('li', null, { class: e.userId === me.userId ? 'me' : '', 'data-user': String(e.userId) });
      li.append(fs.el('span', fs.person(e.name, e.userName), { class: 'name' }), document.createTextNode(' — '),
        fs.el('span', fs.f('help.points', '{score} point(s)', { score: e.score }), { class: 'points', 'data-score': String(e.score) }),
        document.createTextNode(' · ' + fs.f('help.n', 'expertise {n}', { n: e.expertise })));
      return li;
    }));
    $('noboard').hidden = board.length !== 0;
  }

  $('propose').addEventListener('submit', async e => {
    e.preventDefault();
    if (!current) return;
    const name = $('name').value.trim();
    if (!name) return;
    const r = await fs.post('/api/observations/' + current.id + '/identifications', { taxon: name });
    if (!r.ok) { status.textContent = r.body ? r.body.message : String(r.status); return; }
    status.textContent = fs.f('help.thanks', 'Thank you: {taxon} is counted. You score when the community agrees.', { taxon: r.body.identifications.filter(i => i.isCurrent && i.userId === account.id).map(i => i.taxonName)[0] || name });
    document.body.dataset.proposed = String(current.id);
    try { await Promise.all([next(), player()]); } catch (err) { fs.fail(err); }
  });

  $('skip').addEventListener('click', async () => {
    if (!current) return;
    const r = await fs.postWithHeader('/api/game/skip/' + current.id);
    if (!r.ok) { status.textContent = r.body ? r.body.message : String(r.status); return; }
    status.textContent = '';
    document.body.dataset.skipped = String(current.id);
    try { await next(); } catch (e) { fs.fail(e); }
  });

  await fs.ready();
  $('name').placeholder = fs.t('search.label', 'Scientific or common name');
  try {
    account = await fs.me();
    if (!account) {
      $('signin').hidden = false;
      document.body.dataset.loaded = 'signed-out';
      return;
    }
    await window.florasReady;
    const stored = localStorage.getItem(PROJECT);
    if (stored && [...$('project').options].some(o => o.value === stored)) $('project').value = stored;
    $('hide').checked = localStorage.getItem(HIDE) === '1';
    $('settings').addEventListener('submit', e => e.preventDefault());
    $('project').addEventListener('change', () => { localStorage.setItem(PROJECT, $('project').value); restart(); });
    $('hide').addEventListener('change', () => { localStorage.setItem(HIDE, $('hide').checked ? '1' : '0'); restart(); });
    fs.autocomplete($('name'), $('names'), () => $('project').value);
    $('game').hidden = false;
    await Promise.all([next(), player()]);
    document.body.dataset.loaded = 'true';
  } catch (e) { fs.fail(e); }
})();
