// Sign-in, sign-up and sign-out forms; every post carries the anti-forgery token of the session.
(function () {
  'use strict';
  const me = document.getElementById('me');
  const $ = id => document.getElementById(id);
  async function refresh() {
    const account = await fs.me();
    const signedIn = account !== null;
    me.textContent = signedIn ? fs.f('account.signedinas', 'Signed in as {name}.', { name: fs.person(account.displayName, account.userName) }) : '';
    $('signin').hidden = signedIn;
    $('signup').hidden = signedIn;
    $('signout').hidden = !signedIn;
    $('signouteverywhere').hidden = !signedIn;
    $('keys').hidden = !signedIn;
    $('sessions').hidden = !signedIn;
    if (signedIn) await Promise.all([listKeys(), listSessions()]);
    if (signedIn) document.body.dataset.signedIn = account.userName; else delete document.body.dataset.signedIn;
  }

  // Where the browser was before signing in; only a URL of this site (never an open redirect).
  function returnUrl() { return fs.sameOriginUrl(new URLSearchParams(location.search).get('return')); }

  async function listSessions() {
    const sessions = await fs.json('/api/account/sessions');
    $('sessionlist').replaceChildren(...sessions.map(s => {
      const li = fs.el('li');
      li.append(fs.el('strong', s.userAgent || fs.t('account.unknownbrowser', 'Unknown browser')),
        fs.el('span', fs.f('account.lastseen', 'last seen {date}', { date: fs.date(s.lastSeenUtc) })));
      if (s.isThisSession) li.append(fs.el('span', fs.t('account.thissession', 'this session'), { class: 'score' }));
      return li;
    }));
  }

  // The profile's API keys: a new key is shown once, here; revoking asks for the header token.
  async function listKeys() {
    const keys = await fs.json('/api/account/keys');
    $('keylist').replaceChildren(...keys.map(k => {
      const li = fs.el('li');
      li.append(fs.el('strong', k.name), fs.el('span', k.prefix + '… · ' + k.usedToday + '/' + k.dailyQuota + (k.revoked ? ' · ' + fs.t('account.revoked', 'revoked') : '')));
      if (!k.revoked) {
        const b = fs.el('button', fs.t('account.revoke', 'Revoke'), { type: 'button', class: 'score' });
        b.addEventListener('click', async () => {
          // Programs using the key stop working at once: asked first.
          if (!confirm(fs.f('account.revokeconfirm', 'Revoke the key "{name}"? Programs using it will stop working.', { name: k.name }))) return;
          const t = await fs.token();
          await fetch('/api/account/keys/' + k.id, { method: 'DELETE', headers: { [t.headerName]: t.token }, credentials: 'same-origin' });
          listKeys();
        });
        li.append(b);
      }
      return li;
    }));
  }
  $('newkey').addEventListener('submit', async e => {
    e.preventDefault();
    const t = await fs.token();
    const form = new FormData(e.target);
    form.append(t.formFieldName, t.token);
    const r = await fetch('/api/account/keys', { method: 'POST', body: form, credentials: 'same-origin' });
    const body = await r.json();
    const secret = $('secret');
    secret.hidden = false;
    if (!r.ok) { secret.textContent = body.message; return; }
    // The key in its own element (wrapped anywhere: a long key must not widen a phone's page) and a button to copy it.
    const copy = fs.el('button', fs.t('account.copy', 'Copy'), { type: 'button', id: 'copykey' });
    copy.addEventListener('click', async () => {
      try {
        await navigator.clipboard.writeText(body.secret);
        copy.textContent = fs.t('account.copied', 'Copied');
      } catch { copy.textContent = fs.t('account.copyfailed', 'Select the key to copy it'); }
    });
    secret.replaceChildren(fs.t('account.newsecret', 'Your new key (shown only now):') + ' ', fs.el('code', body.secret, { class: 'secret' }), ' ', copy);
    secret.dataset.key = body.secret; e.target.reset(); listKeys();
  });
  for (const [id, url] of [['signin', '/api/account/signin'], ['signup', '/api/account/signup'], ['signout', '/api/account/signout'],
    ['signouteverywhere', '/api/account/signout-everywhere']]) {
    $(id).addEventListener('submit', async e => {
      e.preventDefault();
      const t = await fs.token();
      const form = new FormData(e.target);
      form.append(t.formFieldName, t.token);
      const r = await fetch(url, { method: 'POST', body: form, credentials: 'same-origin' });
      if (!r.ok && r.status !== 204) {
        const body = await r.json().catch(() => null);
        me.textContent = r.status === 429 ? fs.t('account.throttled', 'Too many failed sign-ins: try again later.') : (body ? body.message : String(r.status));
        return;
      }
      const back = id === 'signin' || id === 'signup' ? returnUrl() : null;
      if (back) { location.assign(back); return; }
      await refresh();
      if (id === 'signouteverywhere') me.textContent = fs.t('account.endedeverywhere', 'All your sessions are ended.');
    });
  }
  fs.ready().then(refresh);
})();
