// Interface language (English or French): chosen with the switch in the header, remembered on
// this device, else the browser's. Vernacular names follow it (the API's lang parameter).
(function () {
  'use strict';
  const supported = ['en', 'fr'];
  const stored = localStorage.getItem('lang');
  const lang = supported.includes(stored) ? stored : supported.includes((navigator.language || 'en').slice(0, 2)) ? navigator.language.slice(0, 2) : 'en';
  document.documentElement.lang = lang;
  window.i18n = { lang, texts: {}, t: (key, fallback) => window.i18n.texts[key] || fallback };
  // Pages await this before drawing text of their own.
  window.i18n.ready = fetch('/i18n/' + lang + '.json').then(r => r.json()).then(texts => {
    window.i18n.texts = texts;
    for (const e of document.querySelectorAll('[data-i18n]')) if (texts[e.dataset.i18n]) e.textContent = texts[e.dataset.i18n];
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
