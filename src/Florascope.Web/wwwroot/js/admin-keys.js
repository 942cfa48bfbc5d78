// Every API key for administrators (GET /api/admin/keys, a page at a time): owner, quota, today's use,
// and an "Allowed to survey" switch per key (POST /api/admin/keys/{id}/survey). Surveys cost hundreds
// of identifications, so only administrators allow them; a revoked key's switch is disabled.
import * as fs from './shared.js';

const $ = id => document.getElementById(id);
const admin = '/api/admin/keys';
const PAGE = 50;
let page = 0;

function surveySwitch(k) {
  const td = fs.el('td', null, { class: 'survey' });
  const label = fs.el('label', null, { class: 'toggle' });
  // The key's name describes the switch: every row's switch has the same label.
  const input = fs.el('input', null, { type: 'checkbox', role: 'switch', 'data-key': String(k.id), 'aria-describedby': 'key-' + k.id });
  input.checked = k.allowSurvey;
  input.disabled = k.revoked;
  input.addEventListener('change', async () => {
    const allow = input.checked;
    input.disabled = true;
    try {
      const r = await fs.post(`${admin}/${k.id}/survey`, { allow: String(allow) });
      if (!r.ok) input.checked = !allow;
      $('status').textContent = r.ok
        ? (allow ? fs.f('keys.admin.allowed', '{name} may now run surveys.', { name: k.name })
          : fs.f('keys.admin.disallowed', '{name} may no longer run surveys.', { name: k.name }))
        : (r.body && r.body.message) || String(r.status);
      document.body.dataset.saved = `${k.id}:${r.status}`;
    } catch (e) { input.checked = !allow; fs.fail(e); } finally { input.disabled = k.revoked; }
  });
  label.append(input, fs.el('span', fs.t('keys.admin.allow', 'Allowed to survey')));
  td.append(label);
  return td;
}

function row(k, labels) {
  const tr = fs.el('tr', null, { 'data-key': String(k.id) });
  tr.append(fs.el('td', k.name, { class: 'version', id: 'key-' + k.id }), fs.el('td', k.prefix + '…'),
    fs.el('td', k.owner || fs.t('keys.admin.noOwner', 'none (made with the command line)')),
    fs.el('td', fs.num(k.dailyQuota)), fs.el('td', fs.num(k.usedToday)), fs.el('td', fs.date(k.createdUtc)),
    fs.el('td', k.revoked ? fs.t('keys.admin.revoked', 'revoked') : fs.t('keys.admin.active', 'active'), { 'data-state': k.revoked ? 'revoked' : 'active' }),
    surveySwitch(k));
  // On a phone each row is a card: every value is shown under its column's name.
  [...tr.children].forEach((td, i) => td.setAttribute('data-label', labels[i] || ''));
  return tr;
}

async function next() {
  const more = $('more');
  more.disabled = true;
  try {
    const r = await fetch(`${admin}?page=${page + 1}&pageSize=${PAGE}`, { credentials: 'same-origin' });
    const body = await r.json();
    if (r.status === 401) { $('signin').hidden = false; document.body.dataset.loaded = '401'; return; }
    if (r.status === 403) { $('status').textContent = fs.t('keys.admin.forbidden', 'API keys are managed by administrators.'); document.body.dataset.loaded = '403'; return; }
    if (!r.ok) throw new Error(body.message || r.statusText);
    // Counted only once the page arrived: a retry after an error asks for the same page again.
    page++;
    const labels = [...$('keys').querySelectorAll('thead th')].map(th => th.textContent);
    $('keys').querySelector('tbody').append(...body.map(k => row(k, labels)));
    const count = $('keys').querySelectorAll('tbody tr').length;
    more.hidden = body.length < PAGE;
    $('none').hidden = count > 0;
    $('content').hidden = false;
    document.body.dataset.loaded = String(count);
  } catch (e) { fs.fail(e); } finally { more.disabled = false; }
}

$('more').addEventListener('click', next);
await fs.ready;
// Signed out, the list is not asked for: its 401 would be logged on an anonymous visit.
if (!(await fs.me())) { $('signin').hidden = false; document.body.dataset.loaded = '401'; } else await next();
