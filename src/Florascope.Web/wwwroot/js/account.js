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
  }
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
