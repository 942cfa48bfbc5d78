// Sign-in, sign-up and sign-out forms; every post carries the anti-forgery token of the session.
(function () {
  'use strict';
  const me = document.getElementById('me');
  async function token() { return (await (await fetch('/api/account/antiforgery', { credentials: 'same-origin' })).json()); }
  async function refresh() {
    const r = await fetch('/api/account/me', { credentials: 'same-origin' });
    const signedIn = r.ok;
    me.textContent = signedIn ? 'Signed in as ' + (await r.json()).displayName + '.' : '';
    document.getElementById('signin').hidden = signedIn;
    document.getElementById('signup').hidden = signedIn;
    document.getElementById('signout').hidden = !signedIn;
    document.getElementById('keys').hidden = !signedIn;
    if (signedIn) listKeys();
  }

  // The profile's API keys: a new key is shown once, here; revoking asks for the header token.
  async function listKeys() {
    const keys = await (await fetch('/api/account/keys', { credentials: 'same-origin' })).json();
    document.getElementById('keylist').replaceChildren(...keys.map(k => {
      const li = document.createElement('li');
      const name = document.createElement('strong'); name.textContent = k.name;
      const info = document.createElement('span'); info.textContent = k.prefix + '… · ' + k.usedToday + '/' + k.dailyQuota + (k.revoked ? ' · revoked' : '');
      li.append(name, info);
      if (!k.revoked) {
        const b = document.createElement('button'); b.type = 'button'; b.textContent = 'Revoke'; b.className = 'score';
        b.addEventListener('click', async () => {
          const t = await token();
          await fetch('/api/account/keys/' + k.id, { method: 'DELETE', headers: { [t.headerName]: t.token }, credentials: 'same-origin' });
          listKeys();
        });
        li.append(b);
      }
      return li;
    }));
  }
  document.getElementById('newkey').addEventListener('submit', async e => {
    e.preventDefault();
    const t = await token();
    const form = new FormData(e.target);
    form.append(t.formFieldName, t.token);
    const r = await fetch('/api/account/keys', { method: 'POST', body: form, credentials: 'same-origin' });
    const body = await r.json();
    const secret = document.getElementById('secret');
    secret.hidden = false;
    secret.textContent = r.ok ? 'Your new key (shown only now): ' + body.secret : body.message;
    if (r.ok) { secret.dataset.key = body.secret; e.target.reset(); listKeys(); }
  });
  for (const [id, url] of [['signin', '/api/account/signin'], ['signup', '/api/account/signup'], ['signout', '/api/account/signout']]) {
    document.getElementById(id).addEventListener('submit', async e => {
      e.preventDefault();
      const t = await token();
      const form = new FormData(e.target);
      form.append(t.formFieldName, t.token);
      const r = await fetch(url, { method: 'POST', body: form, credentials: 'same-origin' });
      if (!r.ok && r.status !== 204) { me.textContent = (await r.json()).message; return; }
      const back = new URLSearchParams(location.search).get('return');
      if (back && back.startsWith('/') && !back.startsWith('//') && id !== 'signout') { location.href = back; return; }
      refresh();
    });
  }
  refresh();
})();
