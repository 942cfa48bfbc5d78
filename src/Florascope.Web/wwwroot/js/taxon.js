(async function () {
  'use strict';
  const name = decodeURIComponent(location.pathname.split('/').pop());
  await fs.ready();
  try {
    const t = await fs.json('/api/taxa/' + encodeURIComponent(name));
    const h1 = document.querySelector('h1');
    h1.replaceChildren(fs.el('em', t.name), document.createTextNode(' ' + t.authorship));
    document.title = 'Florascope · ' + t.name;
    const facts = document.getElementById('facts');
    const add = (dl, k, v) => { if (v) dl.append(fs.el('dt', k), fs.el('dd', v)); };
    add(facts, fs.t('taxon.family', 'Family'), t.family);
    add(facts, fs.t('taxon.genus', 'Genus'), t.genus);
    add(facts, fs.t('taxon.range', 'Native range'), t.nativeRange);
    add(facts, fs.t('taxon.floras', 'Floras'), t.projects.join(', '));
    add(facts, fs.t('taxon.count', 'Observations'), String(t.observations));
    if (t.gbifKey) { const d = fs.el('dd'); d.append(fs.el('a', 'GBIF ' + t.gbifKey, { href: 'https://www.gbif.org/species/' + encodeURIComponent(t.gbifKey) })); facts.append(fs.el('dt', 'GBIF'), d); }
    const names = document.getElementById('names');
    for (const [lang, list] of Object.entries(t.commonNames)) add(names, lang, list.join(', '));
    const list = await fs.json('/api/observations?pageSize=50&taxon=' + encodeURIComponent(t.name));
    document.getElementById('list').replaceChildren(...list.map(fs.row));
    fs.minimap(list.filter(o => o.latitude !== null).map(o => [o.latitude, o.longitude]));
    document.body.dataset.loaded = String(list.length);
  } catch (e) { fs.fail(e); }
})();
