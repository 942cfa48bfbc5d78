// Observations made without network wait in IndexedDB ("outbox") and are sent, oldest first,
// when the network comes back; the page shows how many are waiting.
window.outbox = (function () {
  'use strict';
  const DB = 'florascope', STORE = 'outbox';
  function open() {
    return new Promise((resolve, reject) => {
      const r = indexedDB.open(DB, 1);
      r.onupgradeneeded = () => r.result.createObjectStore(STORE, { keyPath: 'id', autoIncrement: true });
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
  }
  async function tx(mode, work) {
    const db = await open();
    return new Promise((resolve, reject) => {
      const t = db.transaction(STORE, mode);
      const result = work(t.objectStore(STORE));
      t.oncomplete = () => resolve(result && 'result' in result ? result.result : undefined);
      t.onerror = () => reject(t.error);
    });
  }
  const listeners = [];
  async function changed() { const n = await count(); listeners.forEach(f => f(n)); }
  async function count() { return tx('readonly', s => s.count()); }
  async function add(item) { await tx('readwrite', s => s.add(item)); await changed(); }
  async function all() { return tx('readonly', s => s.getAll()); }
  async function remove(id) { await tx('readwrite', s => s.delete(id)); await changed(); }

  // Posts one observation ({photos: [{blob, name, organ}], fields}) with a fresh anti-forgery token; throws without network.
  async function send(item) {
    const t = await (await fetch('/api/account/antiforgery', { credentials: 'same-origin' })).json();
    const form = new FormData();
    for (const p of item.photos) { form.append('photos', p.blob, p.name); form.append('organs', p.organ); }
    for (const [k, v] of Object.entries(item.fields)) if (v !== '' && v !== null && v !== undefined) form.append(k, v);
    form.append(t.formFieldName, t.token);
    return fetch('/api/observations', { method: 'POST', body: form, credentials: 'same-origin' });
  }

  let flushing = false;
  async function flush() {
    if (flushing || !navigator.onLine) return;
    flushing = true;
    try {
      for (const item of await all()) {
        const r = await send(item);
        // A refused observation (4xx) would be refused again: drop it and say so; keep it on a network or server failure,
        // and when the server only said "not now" (408 too slow, 429 too many at once).
        const later = r.status >= 500 || r.status === 401 || r.status === 408 || r.status === 429;
        if (r.ok || (r.status >= 400 && r.status < 500 && !later)) await remove(item.id);
        if (!r.ok) {
          const message = (await r.json()).message;
          listeners.forEach(f => f(null, message));
          if (later) break;
        }
      }
    } catch { /* still offline: try again at the next 'online' event */ }
    finally { flushing = false; }
  }
  window.addEventListener('online', flush);
  // Also retry now and then: the 'online' event is not sent everywhere (emulated or flaky networks).
  setInterval(flush, 5000);
  return { add, count, flush, send, onChange: f => listeners.push(f) };
})();
