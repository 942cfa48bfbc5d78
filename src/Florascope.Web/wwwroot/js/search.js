(function () {
  'use strict';
  const q = document.getElementById('q');
  const list = document.getElementById('list');
  const suggestions = document.getElementById('suggestions');
  let timer = null;
  async function find() {
    try {
      const taxa = await fs.json('/api/taxa?limit=20&lang=' + fs.lang + '&prefix=' + encodeURIComponent(q.value));
      suggestions.replaceChildren(...taxa.map(t => fs.el('option', null, { value: t.name })));
      list.replaceChildren(...taxa.map(t => {
        const li = fs.el('li');
        li.append(fs.el('a', t.name, { href: '/taxa/' + encodeURIComponent(t.name) }), fs.el('span', t.commonNames.join(', ')), fs.el('span', t.family, { class: 'score' }));
        return li;
      }));
      document.body.dataset.loaded = String(taxa.length);
    } catch (e) { fs.fail(e); }
  }
  q.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(find, 150); });
  document.getElementById('find').addEventListener('submit', e => { e.preventDefault(); find(); });
  fs.ready().then(find);
})();
