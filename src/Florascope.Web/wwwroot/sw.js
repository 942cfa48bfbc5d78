// Service worker: the app shell is cached so the app opens in the field without network; pages
// and reads go to the network first and fall back to the cache; writes are never cached (the
// page keeps unsent observations in IndexedDB and sends them when the network is back).
const CACHE = 'florascope-v3';
const SHELL = ['/', '/app', '/account', '/map', '/observations', '/search', '/help', '/js/help.js', '/css/site.css', '/js/app.js', '/js/exif.js', '/js/outbox.js',
  '/js/common.js', '/js/floras.js', '/js/account.js', '/js/i18n.js', '/i18n/en.json', '/i18n/fr.json',
  '/i18n/de.json', '/i18n/es.json', '/i18n/it.json', '/i18n/nl.json', '/i18n/pt.json', '/i18n/pl.json', '/i18n/cs.json', '/i18n/ja.json',
  '/i18n/zh.json', '/i18n/ar.json', '/i18n/ru.json', '/manifest.webmanifest', '/icon.svg',
  '/lib/leaflet/leaflet.js', '/lib/leaflet/leaflet.css'];

self.addEventListener('install', e => e.waitUntil(caches.open(CACHE).then(c => c.addAll(SHELL)).then(() => self.skipWaiting())));
self.addEventListener('activate', e => e.waitUntil(
  caches.keys().then(keys => Promise.all(keys.filter(k => k !== CACHE).map(k => caches.delete(k)))).then(() => self.clients.claim())));

self.addEventListener('fetch', e => {
  const url = new URL(e.request.url);
  if (e.request.method !== 'GET' || url.origin !== location.origin) return;
  e.respondWith(fetch(e.request).then(response => {
    if (response.ok && !url.pathname.startsWith('/api/')) {
      const copy = response.clone();
      caches.open(CACHE).then(c => c.put(e.request, copy));
    }
    return response;
  }).catch(() => caches.match(e.request)));
});
