// Service worker: the app shell is cached so the app opens in the field without network; pages
// and reads go to the network first and fall back to the cache; writes are never cached (the
// page keeps unsent observations in IndexedDB and sends them when the network is back).
// The server fills the next two lines at start-up from wwwroot (Assets/WebAssets): the pages and
// the files they need, each with its content hash (?v=), and a cache name that changes with them,
// so a new deployment replaces the cache. Never list files here by hand.
const SHELL = [];
const CACHE = 'florascope-dev';
// A shell file asked for without its hash (a script fetching /i18n/fr.json) is found offline by its path.
const SHELL_PATHS = new Set(SHELL.map(u => new URL(u, location.origin).pathname));

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
  // Pages vary by language (cookie, Accept-Language): offline, the copy kept is the one for this device's last choice.
  }).catch(() => caches.match(e.request, { cacheName: CACHE, ignoreVary: true }).then(hit => hit
    || (SHELL_PATHS.has(url.pathname) ? caches.match(e.request, { cacheName: CACHE, ignoreSearch: true, ignoreVary: true }) : undefined))));
});
