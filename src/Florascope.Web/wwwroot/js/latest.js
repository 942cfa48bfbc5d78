// The latest observations (/observations), or one person's (/users/{id}).
import { ready, json, t, person, row, fail } from './shared.js';

const user = /^\/users\/(\d+)/.exec(location.pathname);
await ready;
try {
  const list = await json('/api/observations?pageSize=50' + (user ? '&user=' + user[1] : ''));
  if (user) document.querySelector('h1').textContent = list.length ? t('latest.by', 'Observations by') + ' ' + person(list[0].authorName, list[0].authorUserName) : t('latest.none', 'No observations yet');
  document.getElementById('list').replaceChildren(...list.map(row));
  document.body.dataset.loaded = String(list.length);
} catch (e) { fail(e); }
