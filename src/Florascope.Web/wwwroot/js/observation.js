(async function () {
  'use strict';
  const id = location.pathname.split('/').pop();
  await fs.ready();
  try {
    const o = await fs.json('/api/observations/' + encodeURIComponent(id));
    document.querySelector('h1').textContent = o.taxonName || fs.t('obs.unidentified', 'Unidentified plant');
    document.title = 'Florascope · ' + (o.taxonName || 'Observation ' + o.id);
    document.getElementById('photos').replaceChildren(...o.photos.map(p => {
      const a = fs.el('a', null, { href: p.url });
      a.append(fs.el('img', null, { src: p.medium, alt: p.organ }));
      return a;
    }));
    const facts = document.getElementById('facts');
    const add = (k, v) => { if (v !== null && v !== undefined && v !== '') facts.append(fs.el('dt', k), fs.el('dd', v)); };
    add(fs.t('obs.seen', 'Seen on'), fs.date(o.observedUtc));
    const by = fs.el('dd'); by.append(fs.el('a', o.authorName, { href: '/users/' + o.authorId }));
    facts.append(fs.el('dt', fs.t('obs.by', 'By')), by);
    if (o.latitude !== null) add(fs.t('obs.place', 'Place'), o.latitude.toFixed(5) + ', ' + o.longitude.toFixed(5) + (o.uncertaintyMeters ? ' (± ' + o.uncertaintyMeters + ' m)' : ''));
    add(fs.t('obs.notes', 'Notes'), o.notes);
    add(fs.t('obs.license', 'Licence'), o.license.toUpperCase());
    if (o.taxonName) { const t = fs.el('dd'); t.append(fs.el('a', o.taxonName, { href: '/taxa/' + encodeURIComponent(o.taxonName) })); facts.append(fs.el('dt', fs.t('obs.taxon', 'Taxon')), t); }
    document.getElementById('ids').replaceChildren(...o.identifications.map(i => {
      const li = fs.el('li', null, { class: i.isCurrent ? 'current' : 'past' });
      li.append(fs.el('strong', i.taxonName || fs.t('obs.dontknow', "I don't know")), fs.el('span', i.userName), fs.el('span', fs.date(i.createdUtc) + (i.isCurrent ? '' : ' ' + fs.t('obs.replaced', '(replaced)')), { class: 'score' }));
      return li;
    }));
    if (o.latitude !== null) fs.minimap([[o.latitude, o.longitude]]);
    document.body.dataset.loaded = 'true';
  } catch (e) { fs.fail(e); }
})();
