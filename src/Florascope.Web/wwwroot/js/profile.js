// A person's public profile (/users/{id}): display name and @user name, their public figures and their
// observations, from public queries only (no e-mail; positions as each observation's geoprivacy allows).
import { ready, t, f, json, row, fail, day } from './shared.js';
import { statsFacts } from './profile-stats.js';

const id = /^\/users\/(\d+)/.exec(location.pathname)[1];
const $ = x => document.getElementById(x);
const PAGE = 20;
let page = 0;

async function more() {
  $('more').disabled = true;
  try {
    const rows = await json('/api/observations?user=' + id + '&pageSize=' + PAGE + '&page=' + (++page));
    $('list').append(...rows.map(row));
    $('more').hidden = rows.length < PAGE;
    $('none').hidden = $('list').children.length > 0;
  } finally { $('more').disabled = false; }
}
$('more').addEventListener('click', () => more().catch(fail));

await ready;
try {
  const person = await json('/api/users/' + id);
  const name = person.displayName || person.userName;
  $('name').textContent = name;
  document.title = 'Florascope · ' + name;
  // "@name" kept left to right inside right-to-left text (an isolate), so Arabic shows "@botanist", not "botanist@".
  $('handle').textContent = f('profile.handle', '@{user} · member since {date}', { user: person.userName, date: day(person.memberSinceUtc) })
    .replace('@' + person.userName, '\u2066@' + person.userName + '\u2069');
  $('stats').replaceChildren(...statsFacts(person));
  $('figures').hidden = false;
  $('observations').hidden = false;
  await more();
  document.body.dataset.loaded = String($('list').children.length);
} catch (e) {
  fail(e);
  $('name').textContent = t('profile.title', 'Profile');
  document.body.dataset.loaded = 'error';
}
