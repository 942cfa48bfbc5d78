// Interface language (the 13 of the checklist): chosen with the switch in the header, remembered on
// this device, else the first of the browser's languages we speak. Vernacular names follow it (the API's lang parameter).
(function () {
  'use strict';
  // The one list of languages (code, native name); each has wwwroot/i18n/<code>.json.
  const languages = [['en', 'English'], ['fr', 'Français'], ['de', 'Deutsch'], ['es', 'Español'], ['it', 'Italiano'],
    ['nl', 'Nederlands'], ['pt', 'Português'], ['pl', 'Polski'], ['cs', 'Čeština'], ['ja', '日本語'], ['zh', '中文'],
    ['ar', 'العربية'], ['ru', 'Русский']];
  const supported = languages.map(([code]) => code);
  const stored = localStorage.getItem('lang');
  // Primary subtags only ("pt-BR" -> "pt"): one file per language.
  const browser = (navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || 'en'])
    .map(l => String(l).split('-')[0].toLowerCase()).find(l => supported.includes(l));
  // The server renders the page in its language (the "lang" cookie, else Accept-Language): follow it.
  const cookie = (document.cookie.split('; ').find(c => c.startsWith('lang=')) || '').slice(5);
  if (stored && supported.includes(stored) && stored !== cookie && stored !== document.documentElement.lang && !sessionStorage.getItem('lang-told')) {
    sessionStorage.setItem('lang-told', '1');
    document.cookie = 'lang=' + stored + '; path=/; max-age=31536000; samesite=lax';
    location.reload();
  }
  const lang = supported.includes(document.documentElement.lang) ? document.documentElement.lang : supported.includes(stored) ? stored : browser || 'en';
  document.documentElement.lang = lang;
  document.documentElement.dir = lang === 'ar' ? 'rtl' : 'ltr';
  // Texts may name the server's limits ({limit:minPasswordLength}, {limit:obscuredCellDegrees}...):
  // they are filled from GET /api/limits, the settings the server enforces, never written by hand.
  // A text whose limits are unknown (offline) is not used: the page's own wording stays.
  const fill = (text, limits) => text && text.replace(/\{limit:(\w+)\}/g, (m, k) => (limits && k in limits ? (typeof limits[k] === 'number' ? limits[k].toLocaleString(lang) : String(limits[k])) : m));
  const complete = text => text && !/\{limit:\w+\}/.test(text);
  window.i18n = {
    lang, languages, texts: {}, limits: null,
    t: (key, fallback) => { const text = fill(window.i18n.texts[key], window.i18n.limits); return complete(text) ? text : fallback; },
    // An image's alternative text says what the photo shows (taxon and organ), never a file name.
    // kind: 'photo' (an observation's), 'reference' (the model's evidence). No taxon: a plant to identify.
    photoAlt: (taxon, organ, kind) => {
      const t = window.i18n.t;
      const shown = organ && organ !== 'auto' ? t('organ.' + organ, organ) : null;
      const [key, fallback] = kind === 'reference'
        ? (shown ? ['alt.reference', 'Reference photo of {taxon}: {organ}'] : ['alt.reference.any', 'Reference photo of {taxon}'])
        : taxon
          ? (shown ? ['alt.photo', 'Photo of {taxon}: {organ}'] : ['alt.photo.any', 'Photo of {taxon}'])
          : (shown ? ['alt.unknown', 'Photo of a plant to identify: {organ}'] : ['alt.unknown.any', 'Photo of a plant to identify']);
      return t(key, fallback).replace('{taxon}', taxon || '').replace('{organ}', shown || '');
    },
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
    for (const [code, name] of languages) select.add(new Option(name, code, false, code === lang));
    select.addEventListener('change', () => { localStorage.setItem('lang', select.value); document.cookie = 'lang=' + select.value + '; path=/; max-age=31536000; samesite=lax'; location.reload(); });
    bar.append(select);
    document.body.dataset.i18n = lang;
  }).catch(() => { /* offline and not cached: keep the English of the page */ });
})();
