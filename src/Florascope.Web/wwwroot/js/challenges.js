// The challenges (GET /api/challenges): name, phase, dates, teams, test observations, classes.
import * as fs from './shared.js';
import * as ch from './challenge-common.js';

const $ = id => document.getElementById(id);

async function show() {
  try {
    const list = await fs.json('/api/challenges');
    $('none').hidden = list.length > 0;
    const table = $('challenges');
    table.querySelector('tbody').replaceChildren(...list.map(c => {
      const name = fs.el('td', null, { class: 'version' });
      name.append(fs.el('a', c.name, { href: '/challenges/' + encodeURIComponent(c.slug) }));
      const phase = fs.el('td');
      phase.append(ch.phaseBadge(c.phase));
      const tr = fs.el('tr', null, { 'data-slug': c.slug });
      tr.append(name, phase, fs.el('td', fs.date(c.opensUtc)), fs.el('td', fs.date(c.closesUtc)),
        fs.el('td', fs.num(c.teams)), fs.el('td', fs.num(c.testObservations)), fs.el('td', fs.num(c.classes)));
      return ch.labelCells(table, tr);
    }));
    table.hidden = list.length === 0;
    document.body.dataset.loaded = String(list.length);
  } catch (e) { fs.fail(e); document.body.dataset.loaded = 'error'; }
}

await fs.ready;
await show();
