// One observation: its photos (with the community's votes on each), facts, status in the
// collaborative revision and why (every vote counted, with its weight), and its identifications.
// Signed in, anyone may propose a name and vote on the photos; the page redraws from the answer.
(async function () {
  'use strict';
  const id = location.pathname.split('/').pop();
  const ORGANS = ['leaf', 'flower', 'fruit', 'bark', 'habit', 'other'];
  const FLAGS = ['not-a-plant', 'poor-quality', 'duplicate'];
  const status = document.getElementById('status');
  let me = null;
  let mapDrawn = false;

  const statusText = s => fs.t('status.' + s, { valid: 'Valid', 'needs-votes': 'Needs more votes', disputed: 'Disputed' }[s] || s);
  const organText = o => fs.t('organ.' + o, o);
  const aspectText = a => fs.t('aspect.' + a, { organ: 'Organ', 'not-a-plant': 'Not a plant', 'poor-quality': 'Poor quality', duplicate: 'Duplicate' }[a] || a);
  const valueText = (aspect, v) => aspect === 'organ' ? organText(v) : fs.t('vote.' + v, v === 'yes' ? 'yes' : 'no');

  function render(o) {
    document.querySelector('h1').textContent = o.taxonName || fs.t('obs.unidentified', 'Unidentified plant');
    document.title = 'Florascope · ' + (o.taxonName || 'Observation ' + o.id);
    renderRevision(o);
    renderPhotos(o);
    renderFacts(o);
    renderWhy(o.revision);
    document.getElementById('ids').replaceChildren(...o.identifications.map(i => {
      const li = fs.el('li', null, { class: i.isCurrent ? 'current' : 'past' });
      li.append(fs.el('strong', i.taxonName || fs.t('obs.dontknow', "I don't know")), fs.el('span', fs.person(i.displayName, i.userName)), fs.el('span', fs.date(i.createdUtc) + (i.isCurrent ? '' : ' ' + fs.t('obs.replaced', '(replaced)')), { class: 'score' }));
      return li;
    }));
    if (o.latitude !== null && !mapDrawn) { mapDrawn = true; fs.minimap([[o.latitude, o.longitude]]); }
    document.body.dataset.status = o.revision.status;
  }

  // The badge (valid / needs more votes / disputed) and the current taxon.
  function renderRevision(o) {
    const r = o.revision;
    const badge = document.getElementById('badge');
    badge.textContent = statusText(r.status);
    badge.className = 'badge ' + r.status;
    badge.dataset.status = r.status;
    document.getElementById('current').textContent = r.taxonName
      ? fs.t('obs.current', 'Current taxon:') + ' ' + r.taxonName
      : fs.t('obs.nocurrent', 'No taxon yet');
    document.getElementById('revision').hidden = false;
  }

  function renderPhotos(o) {
    document.getElementById('photos').replaceChildren(...o.photos.map(p => {
      const card = fs.el('figure', null, { class: 'photo-card' + (p.excludedBecause ? ' excluded' : ''), 'data-photo': String(p.id) });
      const a = fs.el('a', null, { href: p.url });
      a.append(fs.el('img', null, { src: p.medium, alt: window.i18n.photoAlt(o.taxonName, p.votedOrgan || p.organ) }));
      card.append(a);
      const badges = fs.el('p', null, { class: 'badges' });
      badges.append(fs.el('span', fs.t('photo.organ', 'Organ:') + ' ' + organText(p.votedOrgan || p.organ)
        + (p.votedOrgan ? ' ' + fs.t('photo.voted', '(voted)') : ''), { class: 'badge organ' + (p.votedOrgan ? ' voted' : '') }));
      if (p.excludedBecause)
        badges.append(fs.el('span', fs.t('photo.excluded', 'Excluded:') + ' ' + aspectText(p.excludedBecause), { class: 'badge excluded', 'data-excluded': p.excludedBecause }));
      card.append(badges);
      if (p.votes.length) {
        const tallies = fs.el('ul', null, { class: 'tallies' });
        for (const v of p.votes) {
          tallies.append(fs.el('li', fs.f('photo.tally', '{aspect}: {value} · {count} vote(s), weight {weight}',
            { aspect: aspectText(v.aspect), value: valueText(v.aspect, v.value), count: v.count, weight: fs.num(v.weight) }),
          { 'data-aspect': v.aspect, 'data-value': v.value }));
        }
        card.append(tallies);
      }
      if (me) card.append(voteControls(p));
      return card;
    }));
  }

  // Small controls: the organ shown, and yes / no on each flag.
  function voteControls(p) {
    const box = fs.el('div', null, { class: 'photo-votes' });
    const organRow = fs.el('div', null, { class: 'vote-row' });
    const select = fs.el('select', null, { 'aria-label': fs.t('photo.whichorgan', 'Organ shown'), class: 'organ-select' });
    const known = ORGANS.includes(p.votedOrgan || p.organ) ? p.votedOrgan || p.organ : '';
    const placeholder = new Option(fs.t('photo.whichorgan', 'Organ shown') + '…', '', false, known === '');
    placeholder.disabled = true;
    select.add(placeholder);
    for (const o of ORGANS) select.add(new Option(organText(o), o, false, o === known));
    const organButton = fs.el('button', fs.t('photo.voteorgan', 'Vote organ'), { type: 'button', class: 'vote-organ' });
    organButton.addEventListener('click', () => { if (select.value) vote(p.id, 'organ', select.value); });
    organRow.append(select, organButton);
    box.append(organRow);
    for (const flag of FLAGS) {
      const row = fs.el('div', null, { class: 'vote-row', 'data-flag': flag });
      row.append(fs.el('span', fs.f('photo.flag', '{flag}?', { flag: aspectText(flag) }), { class: 'flag-name' }));
      for (const value of ['yes', 'no']) {
        const b = fs.el('button', fs.t('vote.' + value, value), { type: 'button', class: 'vote-flag', 'data-value': value,
          'aria-label': aspectText(flag) + ': ' + fs.t('vote.' + value, value) });
        b.addEventListener('click', () => vote(p.id, flag, value));
        row.append(b);
      }
      box.append(row);
    }
    return box;
  }

  async function vote(photoId, aspect, value) {
    status.textContent = '';
    const r = await fs.post('/api/photos/' + photoId + '/votes', { aspect, value });
    if (!r.ok) { status.textContent = r.body ? r.body.message : String(r.status); return; }
    render(r.body);
    status.textContent = fs.t('photo.thanks', 'Thank you: your vote is counted.');
    document.body.dataset.voted = String(Number(document.body.dataset.voted || 0) + 1);
  }

  // The observer's wall-clock time and its offset ("30/03/2026 14:00:00 (local time, UTC+05:30)"), whatever this device's zone.
  function localTime(iso, offset) {
    const wall = new Date(new Date(iso).getTime() + offset * 60000).toLocaleString(fs.lang, { timeZone: 'UTC' });
    const a = Math.abs(offset), zone = (offset < 0 ? '-' : '+') + String(Math.floor(a / 60)).padStart(2, '0') + ':' + String(a % 60).padStart(2, '0');
    return fs.f('obs.localtime', '{time} (local time, UTC{offset})', { time: wall, offset: zone });
  }

  function renderFacts(o) {
    const facts = document.getElementById('facts');
    facts.replaceChildren();
    const add = (k, v) => { if (v !== null && v !== undefined && v !== '') facts.append(fs.el('dt', k), fs.el('dd', v)); };
    add(fs.t('obs.seen', 'Seen on'), o.observedOffsetMinutes === null || o.observedOffsetMinutes === undefined ? fs.date(o.observedUtc) : localTime(o.observedUtc, o.observedOffsetMinutes));
    const by = fs.el('dd'); by.append(fs.el('a', fs.person(o.authorName, o.authorUserName), { href: '/users/' + o.authorId }));
    facts.append(fs.el('dt', fs.t('obs.by', 'By')), by);
    if (o.latitude !== null) add(fs.t('obs.place', 'Place'), o.latitude.toFixed(5) + ', ' + o.longitude.toFixed(5) + (o.uncertaintyMeters ? ' (± ' + o.uncertaintyMeters + ' m)' : ''));
    // Geoprivacy: what this position is, and what the public sees.
    if (!o.exactPosition && o.publicPosition === 'obscured') add(fs.t('geo.title', 'Place'), fs.t('geo.isobscured', 'Obscured: the plant is somewhere in this area.'));
    else if (!o.exactPosition && o.publicPosition === 'hidden') add(fs.t('geo.title', 'Place'), fs.t('geo.ishidden', 'Hidden by its author.'));
    else if (o.publicPosition !== 'exact') add(fs.t('geo.title', 'Place'), o.publicPosition === 'hidden'
      ? fs.t('geo.youhidden', 'Only you and administrators see this place; others see none.')
      : fs.t('geo.youobscured', 'Only you and administrators see this exact place; others see a point of its area.'));
    const privacy = document.getElementById('privacy');
    privacy.hidden = !(me && (me.id === o.authorId || me.isAdmin));
    document.getElementById('geoprivacy').value = o.geoprivacy;
    add(fs.t('obs.notes', 'Notes'), o.notes);
    add(fs.t('obs.license', 'Licence'), o.license.toUpperCase());
    if (o.taxonName) { const t = fs.el('dd'); t.append(fs.el('a', o.taxonName, { href: '/taxa/' + encodeURIComponent(o.taxonName) })); facts.append(fs.el('dt', fs.t('obs.taxon', 'Taxon')), t); }
  }

  // Why: the votes counted and their weights, the model's vote or why it did not count, and the rule in plain words.
  function renderWhy(r) {
    const rows = r.votes.map(v => {
      const model = v.userId === null;
      const tr = fs.el('tr', null, { class: (v.agrees ? 'agrees' : 'disagrees') + (model ? ' model' : '') });
      tr.append(
        fs.el('td', model ? fs.t('why.model', 'Model') : fs.person(v.displayName, v.userName), model && r.modelVersion ? { title: r.modelVersion } : {}),
        fs.el('td', v.taxonName, { class: 'taxon' }),
        fs.el('td', model ? '—' : String(v.expertise)),
        fs.el('td', fs.num(v.weight)),
        fs.el('td', v.agrees ? fs.t('why.yes', 'yes') : fs.t('why.no', 'no')));
      return tr;
    });
    document.querySelector('#votes tbody').replaceChildren(...rows);
    document.getElementById('votes').hidden = rows.length === 0;
    document.getElementById('novotes').hidden = rows.length !== 0;

    const modelLine = document.getElementById('model');
    if (!r.modelTaxonName) modelLine.textContent = fs.t('why.nomodel', 'The model made no suggestion for these photos.');
    else if ((r.modelScore ?? 0) >= r.modelMinScore) {
      const w = r.votes.find(v => v.userId === null);
      modelLine.textContent = fs.f('why.modelvotes', 'The model suggests {taxon} with score {score} ≥ {min}: it votes, with weight {weight}.',
        { taxon: r.modelTaxonName, score: fs.num(r.modelScore, 3), min: fs.num(r.modelMinScore), weight: w ? fs.num(w.weight) : '—' });
    } else {
      modelLine.textContent = fs.f('why.modelsilent', 'The model suggests {taxon} with score {score} < {min}: too unsure, its vote does not count.',
        { taxon: r.modelTaxonName, score: fs.num(r.modelScore ?? 0, 3), min: fs.num(r.modelMinScore) });
    }

    const confOk = r.confidence > r.thetaConfidence, accOk = r.accuracy > r.thetaAccuracy;
    const rule = fs.f('why.rule', 'Confidence {confidence} {cop} {thetaConfidence} and accuracy {accuracy} {aop} {thetaAccuracy}: {status}',
      { confidence: fs.num(r.confidence), cop: confOk ? '>' : '≤', thetaConfidence: fs.num(r.thetaConfidence),
        accuracy: fs.num(r.accuracy), aop: accOk ? '>' : '≤', thetaAccuracy: fs.num(r.thetaAccuracy), status: statusText(r.status).toLowerCase() });
    document.getElementById('rule').textContent = rule;
    document.getElementById('verdict').textContent = r.status === 'valid'
      ? fs.f('why.isvalid', 'The weighted vote validates {taxon}.', { taxon: r.taxonName })
      : r.status === 'disputed'
        ? fs.t('why.isdisputed', 'The votes name different taxa and none weighs enough yet: more votes will settle it.')
        : fs.t('why.needsvotes', 'The votes agree but do not weigh enough yet: more votes are needed.');
    document.getElementById('why').hidden = false;
  }

  document.getElementById('identify').addEventListener('submit', async e => {
    e.preventDefault();
    const input = document.getElementById('taxon');
    const r = await fs.post('/api/observations/' + encodeURIComponent(id) + '/identifications', { taxon: input.value.trim() });
    if (!r.ok) { status.textContent = r.body ? r.body.message : String(r.status); return; }
    input.value = '';
    status.textContent = fs.t('obs.proposed', 'Thank you: your name is counted.');
    render(r.body);
  });

  document.getElementById('privacy').addEventListener('submit', async e => {
    e.preventDefault();
    const r = await fs.post('/api/observations/' + encodeURIComponent(id) + '/edit', { geoprivacy: document.getElementById('geoprivacy').value });
    if (!r.ok) { status.textContent = r.body ? r.body.message : String(r.status); return; }
    status.textContent = fs.t('geo.saved', 'Saved: who sees the place is changed.');
    render(r.body);
  });

  await fs.ready();
  try {
    const [o, account] = await Promise.all([fs.json('/api/observations/' + encodeURIComponent(id)), fs.me().catch(() => null)]);
    me = account;
    document.getElementById('identify').hidden = !me;
    document.getElementById('signin').hidden = !!me;
    document.getElementById('signinlink').href = '/account?return=' + encodeURIComponent(location.pathname);
    if (me) fs.autocomplete(document.getElementById('taxon'), document.getElementById('names'));
    render(o);
    document.body.dataset.loaded = 'true';
  } catch (e) { fs.fail(e); }
})();
