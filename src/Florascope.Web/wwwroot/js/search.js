// Search by name: scientific, vernacular (any language) or synonym, as GET /api/taxa matches them.
import { ready, json, el, lang, fail } from './shared.js';

const q = document.getElementById('q');
const list = document.getElementById('list');
const suggestions = document.getElementById('suggestions');
let timer = null;
async function find() {
  try {
    const taxa = await json('/api/taxa?limit=20&lang=' + lang + '&prefix=' + encodeURIComponent(q.value));
    suggestions.replaceChildren(...taxa.map(x => el('option', null, { value: x.name })));
    list.replaceChildren(...taxa.map(x => {
      const li = el('li');
      li.append(el('a', x.name, { href: '/taxa/' + encodeURIComponent(x.name) }), el('span', x.commonNames.join(', ')), el('span', x.family, { class: 'score' }));
      return li;
    }));
    document.body.dataset.loaded = String(taxa.length);
  } catch (e) { fail(e); }
}
q.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(find, 150); });
document.getElementById('find').addEventListener('submit', e => { e.preventDefault(); find(); });
await ready;
find();
