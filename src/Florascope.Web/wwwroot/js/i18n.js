// Interface language (English or French): chosen with the switch in the header, remembered on
// this device, else the browser's. Vernacular names follow it (the API's lang parameter).
(function () {
  'use strict';
  const supported = ['en', 'fr'];
  const stored = localStorage.getItem('lang');
  const lang = supported.includes(stored) ? stored : supported.includes((navigator.language || 'en').slice(0, 2)) ? navigator.language.slice(0, 2) : 'en';
  document.documentElement.lang = lang;
  // Texts may name the server's limits ({limit:minPasswordLength}, {limit:obscuredCellDegrees}...):
  // they are filled from GET /api/limits, the settings the server enforces, never written by hand.
  // A text whose limits are unknown (offline) is not used: the page's own wording stays.
  const fill = (text, limits) => text && text.replace(/\{limit:(\w+)\}/g, (m, k) => (limits && k in limits ? (typeof limits[k] === 'number' ? limits[k].toLocaleString(lang) : String(limits[k])) : m));
  const complete = text => text && !/\{limit:\w+\}/.test(text);
  window.i18n = {
    lang, texts: {}, limits: null,
    t: (key, fallback) => { const text = fill(window.i18n.texts[key], window.i18n.limits); return complete(text) ? text : fallback; },
  };
  const limits = fetch('/api/limits').then(r => (r.ok ? r.json() : null)).catch(() => null);
  // Pages await this before drawing text of their own.
  window.i18n.ready = Promise.all([fetch('/i18n/' + lang + '.json').then(r => r.json()), limits]).then(([texts, known]) => {
    window.i18n.texts = texts;
    window.i18n.limits = known;
    for (const e of document.querySelectorAll('[data-i18n]')) {
      const text = window.i18n.t(e.dataset.i18n, null);
      if (text) e.textContent = text;
    }
    // Inputs state their limits from the same settings (e.g. data-limit-minlength="minPasswordLength").
    for (const e of document.querySelectorAll('[data-limit-minlength], [data-limit-maxlength]')) {
      if (known && e.dataset.limitMinlength in known) e.minLength = known[e.dataset.limitMinlength];
      if (known && e.dataset.limitMaxlength in known) e.maxLength = known[e.dataset.limitMaxlength];
    }
    const bar = document.querySelector('.bar');
    if (!bar) return;
    const select = document.createElement('select');
    select.id = 'lang';
    select.setAttribute('aria-label', texts.language || 'Language');
    for (const [code, name] of [['en', 'English'], ['fr', 'Français']]) select.add(new Option(name, code, false, code === lang));
    select.addEventListener('change', () => { localStorage.setItem('lang', select.value); location.reload(); });
    bar.append(select);
    document.body.dataset.i18n = lang;
  }).catch(() => { /* offline and not cached: keep the English of the page */ });
})();
